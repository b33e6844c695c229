/**
 * The FAQ slice's public face: the loaded knowledge and its reading of a message, its chat
 * handlers, `loaban faq`'s stream and the directory files' commands.
 */
export { loadFaq, type Faq } from './faq.ts';
export type { DirectoryFile, Topic } from './knowledge.ts';
export { answerQuestion, askHowTo, faqButtons, questionOf, safetyFirst } from './chat.ts';
export { answerStream } from './ask.ts';
export { confirmDirectoryEntry, findDirectoryEntries, listDirectory, type DirectoryLine } from './directory-files.ts';
