/**
 * The sandbox's web chat: the page, who one can play, transcripts, sending, and a live stream.
 * A demo only: it answers only to a Host that is an address, localhost or PUBLIC_URL's name, so a
 * web page elsewhere cannot reach a local sandbox through DNS rebinding.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bundle, translator } from '../../core/i18n.ts';
import type { Db } from '../../core/store/store.ts';
import { listPersonas } from './personas.ts';
import type { SandboxChannel } from './sandbox.ts';

const maxText = 4000;
const sendBody = z.object({
  personaKey: z.string().min(1).max(200),
  chatId: z.string().min(1).max(200),
  text: z.string().max(maxText).optional(),
  buttonData: z.string().min(1).max(200).optional(),
  /** The message whose button was tapped: the bot may change it in place. */
  messageId: z.string().min(1).max(100).optional(),
});

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

/** A Host header a sandbox may answer: an IP address, localhost, or the public address's name. */
export function sandboxHostAllowed(hostname: string, publicUrl: string | null): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(name) !== 0 || name === 'localhost' || (publicUrl !== null && name === new URL(publicUrl).hostname.toLowerCase());
}

export function registerSandboxRoutes(http: FastifyInstance, deps: { db: Db; channel: SandboxChannel; language?: string; publicUrl?: string | null }) {
  const language = deps.language ?? 'vi';
  const t = translator(language);
  const strings = JSON.stringify(bundle('sandbox', language)).replace(/</g, '\\u003c');
  const html = page.replace('__LANG__', language).replace('__STRINGS__', () => strings);
  const streams = new Set<() => void>();
  http.addHook('onClose', async () => {
    for (const end of streams) end();
  });
  // Every route of this server, the dashboard's sandbox login included: the whole server is a demo.
  http.addHook('onRequest', async (req, reply) => {
    if (!sandboxHostAllowed(req.hostname.replace(/:\d+$/, ''), deps.publicUrl ?? null)) return reply.code(403).type('text/plain; charset=utf-8').send(t('sandbox:badHost'));
  });

  http.get('/', async (_req, reply) => reply.redirect('/sandbox'));
  http.get('/sandbox', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  http.get('/sandbox/api/personas', async () => listPersonas(deps.db, t));
  http.get('/sandbox/api/transcript', async (req) => {
    const chatId = String((req.query as { chatId?: string }).chatId ?? '');
    return deps.channel.transcript(chatId);
  });

  http.post('/sandbox/api/send', async (req, reply) => {
    const parsed = sendBody.safeParse(req.body);
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((i) => i.code === 'too_big' && i.path[0] === 'text');
      const reason = tooLong ? t('sandbox:tooLong', { max: maxText }) : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: t('sandbox:badRequest', { reason }) });
    }
    const { personaKey, chatId, text, buttonData, messageId } = parsed.data;
    if (!text?.trim() && !buttonData) return reply.code(400).send({ error: t('sandbox:badRequest', { reason: t('sandbox:emptyMessage') }) });
    const persona = (await listPersonas(deps.db, t)).find((p) => p.key === personaKey);
    if (!persona) return reply.code(400).send({ error: t('sandbox:badRequest', { reason: t('sandbox:unknownPersona') }) });
    const chat = persona.chats.find((c) => c.id === chatId);
    if (!chat) return reply.code(400).send({ error: t('sandbox:badRequest', { reason: t('sandbox:unknownChat') }) });
    await deps.channel.receive({
      chatId,
      chatKind: chat.kind,
      chatTitle: chat.title,
      sender: { id: persona.key, displayName: persona.displayName },
      ...(text ? { text } : {}),
      ...(buttonData ? { buttonData, ...(messageId ? { buttonMessageId: messageId } : {}) } : {}),
    });
    return { ok: true };
  });

  http.get('/sandbox/api/stream', (req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const unsubscribe = deps.channel.subscribe((m) => reply.raw.write(`data: ${JSON.stringify(m)}\n\n`));
    const keepAlive = setInterval(() => reply.raw.write(': ping\n\n'), 25_000);
    const end = () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(end);
      reply.raw.end();
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}
