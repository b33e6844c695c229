import fs from 'node:fs';
export async function resolve(spec, context, next) {
  const r = await next(spec, context);
  if (/prisma|exceljs|luxon|zod|minisearch/.test(r.url) && !/node_modules\/(zod|luxon)\/.+\/.+/.test(r.url)) fs.appendFileSync('/tmp/chain.txt', `${context.parentURL?.replace('file:///work/main/','')} -> ${spec}\n`);
  return r;
}
