/**
 * The topics of content/topics.yaml: the campaign topics shared by campaign messages, FAQ
 * entries and session reports.
 */
import path from 'node:path';
import { z } from 'zod';
import { readYamlFile } from './yaml.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a-z, 0-9 and -');
const text = z.string().trim().min(1);

const topicsSchema = z.strictObject({
  topics: z.array(z.strictObject({ id, label: text, aliases: z.array(text).default([]) })).min(1),
});
export type Topic = z.infer<typeof topicsSchema>['topics'][number];

/** The topics of content/topics.yaml, shared by FAQ entries, campaign messages and reports. Throws a ContentError. */
export function readTopics(contentDir: string): Topic[] {
  return readYamlFile(path.join(contentDir, 'topics.yaml'), topicsSchema).topics;
}
