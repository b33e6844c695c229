/** `loaban content validate`, and start refusing campaign content with a mistake. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultContentDir } from '../../src/core/paths.ts';
import { runCli } from '../support/cli.ts';

/** A folder holding `content/`: the shipped content with two mistakes. */
function brokenCopy(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'loaban-content-cli-'));
  const content = path.join(root, 'content');
  cpSync(defaultContentDir, content, { recursive: true });
  writeFileSync(path.join(content, 'campaigns', 'zz-empty.md'), ['---', 'id: zz-empty', 'title: Empty', 'topics: [gender-roles]', 'languages: [vi]', 'source: test', '---', ''].join('\n'));
  mkdirSync(path.join(content, 'calendar'), { recursive: true });
  writeFileSync(path.join(content, 'calendar', 'calendar.yaml'), ['events:', '  - id: one', '    title: One', '    date: "03-08"', '    messages: [no-such-message]', '    source: test', ''].join('\n'));
  return root;
}

describe('loaban content validate', () => {
  it('on the shipped content: one line saying what is there, exit code 0', async () => {
    const result = await runCli(['content', 'validate'], { LOG_LEVEL: 'silent' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Nội dung hợp lệ: \d+ tin chiến dịch \(vi\), \d+ dịp trong lịch, \d+ câu hỏi đáp\.\n$/);
  });

  it('on a broken copy: every problem as file:line relative to the working folder, a count, exit code 1', async () => {
    const root = brokenCopy();
    const result = await runCli(['content', 'validate'], { LOG_LEVEL: 'silent', CONTENT_DIR: 'content' }, root);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'content/campaigns/zz-empty.md:7: the message text is missing: write it below this "---" line',
      'content/calendar/calendar.yaml:5: events.0.messages.0: "no-such-message" is not a message: there is no content/campaigns/no-such-message.md',
      'Nội dung có 2 lỗi. Sửa từng chỗ ở trên rồi chạy lại: loaban content validate',
    ]);
    const english = await runCli(['content', 'validate'], { LOG_LEVEL: 'silent', CONTENT_DIR: 'content', OPERATOR_LANG: 'en' }, root);
    expect(english.stdout.trim().split('\n').at(-1)).toBe('The content has 2 problems. Fix each one above, then run again: loaban content validate');
  });

  it('a content folder that is not there: one line in the operator\'s language, exit code 1', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'loaban-content-cli-'));
    const result = await runCli(['content', 'validate'], { LOG_LEVEL: 'silent', CONTENT_DIR: path.join(root, 'nowhere') });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Không thấy thư mục nội dung ${path.join(root, 'nowhere')}`);
  });

  it('start refuses the broken copy with the same file:line lines, before opening the database', async () => {
    const root = brokenCopy();
    const result = await runCli(['start'], { CONTENT_DIR: path.join(root, 'content'), DATA_DIR: path.join(root, 'data'), PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(root, 'content', 'campaigns', 'zz-empty.md')}:7: the message text is missing`);
    expect(result.stderr).toContain(`${path.join(root, 'content', 'calendar', 'calendar.yaml')}:5: events.0.messages.0: "no-such-message" is not a message`);
    expect(existsSync(path.join(root, 'data'))).toBe(false);
  });
});
