/**
 * The dashboard's one stylesheet (/admin/style.css), phone first. A table scrolls sideways in its
 * \`.scroll\` box (shadows at the edge that hides columns, a \`.scroll-hint\` line above it on a
 * phone), and no cell is narrower than its longest word. On a phone a \`table.stack\` becomes one
 * card per row, each cell preceded by its \`data-label\`.
 */
export const stylesheet = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#f6f5f2}
a{color:#8a1c48}
header{background:#8a1c48;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header .app{font-weight:700;margin-right:auto}
header nav{display:flex;gap:.25rem 1rem;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:.2rem 0;border-bottom:2px solid transparent}
header a[aria-current=page]{border-bottom-color:#fff}
header form{margin:0;display:flex;gap:.5rem;align-items:center}
header .who{opacity:.9;font-size:.9rem}
main{max-width:60rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.muted{color:#5f5f66;font-size:.9rem}
.notice{background:#fff8e1;border-left:4px solid #e0a800;padding:.6rem .8rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem}
.card{background:#fff;border-radius:.5rem;padding:.7rem .8rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card .n{font-size:1.6rem;font-weight:700}
.card .l{font-size:.85rem;color:#5f5f66}
button,.button{font:inherit;background:#8a1c48;color:#fff;border:0;border-radius:.4rem;padding:.55rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
header button{background:transparent;border:1px solid #fff;padding:.2rem .6rem;font-size:.9rem}
select{font:inherit;padding:.45rem;max-width:100%}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.scroll{overflow-x:auto;border-radius:.5rem;box-shadow:0 1px 2px rgba(0,0,0,.08);background:linear-gradient(90deg,#fff 30%,rgba(255,255,255,0)) left/2.5rem 100% no-repeat local,linear-gradient(270deg,#fff 30%,rgba(255,255,255,0)) right/2.5rem 100% no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.22),rgba(0,0,0,0)) left/.8rem 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.22),rgba(0,0,0,0)) right/.8rem 100% no-repeat scroll,#fff}
.scroll-hint{display:none;margin:.3rem 0;color:#5f5f66;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:.45rem .6rem;text-align:left;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:break-word}
th{background:#faf7f8;white-space:nowrap}
td.s{min-width:5.5rem}
#compliance th:first-child,#compliance td:first-child{min-width:9rem;position:sticky;left:0;background:#fff;box-shadow:1px 0 0 #eee}
#compliance th:first-child{background:#faf7f8}
.s-reported{color:#1b6e2d}
.s-late{color:#8a5a00}
.s-missing{color:#b3261e;font-weight:600}
.s-untracked{color:#999}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{background:#fff;margin:.3rem 0;padding:.5rem .7rem;border-radius:.4rem}
svg.chart{max-width:100%;height:auto;background:#fff;border-radius:.5rem}
.box{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08);max-width:34rem}
.box>:first-child{margin-top:0}
.box+.box,h2+.box{margin-top:.6rem}
nav.pager{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.8rem 0}
.code{font:700 2.2rem/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.12em;margin:.5rem 0}
.code-line,.join-code{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
td.json{min-width:18rem}
td.what{min-width:14rem}
td.json code{font-size:.8rem;word-break:break-all}
ins{text-decoration:none;background:#e6f4ea}
del{color:#5f5f66}
form.stack fieldset{min-width:0;border:0;background:#fff;border-radius:.5rem;padding:.6rem 1rem;margin:.8rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
form.stack legend{font-weight:700;padding:0}
form.stack label{display:block;margin:.4rem 0 .15rem}
form.stack input[type=date],form.stack input[type=time],form.stack input[type=text],textarea{font:inherit;padding:.45rem;max-width:100%}
textarea{width:100%;min-height:8rem}
.error{color:#b3261e;font-weight:600;margin:.2rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.actions form{margin:0}
button.secondary,.button.secondary{background:#fff;color:#8a1c48;border:1px solid #8a1c48}
.message{white-space:pre-wrap;background:#faf7f8;border-left:4px solid #8a1c48;padding:.6rem .8rem}
@media (max-width:40rem){
.scroll-hint{display:block}
.scroll:has(>table.stack){overflow:visible;background:none;box-shadow:none}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.stack,table.stack tbody{display:block}
table.stack tr{display:flex;flex-wrap:wrap;column-gap:1.2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 2px rgba(0,0,0,.08);padding:.5rem .8rem;margin:0 0 .6rem}
table.stack td{display:block;flex:1 1 100%;border:0;padding:.1rem 0;min-width:0}
table.stack td[data-label]::before{content:attr(data-label) ": ";color:#5f5f66}
table.stack td.lead{order:-1;font-weight:700}
table.stack td.n{flex:0 0 auto}
}
`.trim();
