/**
 * Every string a person sees comes from locales/<language>/<namespace>.json through i18next.
 * Vietnamese is the default and the fallback; other languages are added as files, not code.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction, type Resource } from 'i18next';
import { localesDir } from './paths.ts';
import { foldText } from './text/fold.ts';

export const defaultLanguage = 'vi';
export type Translate = TFunction;

function readResources(dir: string): Resource {
  const resources: Resource = {};
  for (const lng of readdirSync(dir)) {
    const lngDir = path.join(dir, lng);
    resources[lng] = {};
    for (const file of readdirSync(lngDir).filter((f) => f.endsWith('.json'))) {
      const fullPath = path.join(lngDir, file);
      try {
        resources[lng][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(fullPath, 'utf8'));
      } catch (error) {
        throw new Error(`${fullPath}: ${(error as Error).message}`);
      }
    }
  }
  return resources;
}

const i18n = i18next.createInstance();
if (!existsSync(localesDir)) throw new Error(`${localesDir} is missing: the locales folder ships with Loa Bản`);
const resources = readResources(localesDir);
void i18n.init({
  resources,
  lng: defaultLanguage,
  fallbackLng: defaultLanguage,
  ns: Object.keys(resources[defaultLanguage] ?? {}),
  defaultNS: 'bot',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

/** The languages that have locale files. */
export const uiLanguages: string[] = Object.keys(resources);

const translators = new Map<string, Translate>();

/** A translate function fixed to `language` (falling back to Vietnamese): one per language. */
export function translator(language: string = defaultLanguage): Translate {
  const lng = uiLanguages.includes(language) ? language : defaultLanguage;
  let t = translators.get(lng);
  if (!t) translators.set(lng, (t = remembering(i18n.getFixedT(lng))));
  return t;
}

/** How many texts asked by key alone a language keeps: more than the locale files hold, a bound should a key ever be made of input. */
const rememberedTexts = 5_000;

/**
 * `t`, keeping the text of each key asked for alone (no options): i18next resolves a key anew at
 * every call, about 10 µs and its garbage, and a message asks for a dozen (the menu's labels, the
 * prompts). The locale files are read once, at start, so a key's text does not change.
 */
function remembering(t: TFunction): Translate {
  const texts = new Map<string, unknown>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const remembered = (...args: unknown[]): unknown => {
    const [key] = args;
    if (args.length !== 1 || typeof key !== 'string') return call(...args);
    let text = texts.get(key);
    if (text === undefined) {
      text = call(key);
      if (texts.size < rememberedTexts) texts.set(key, text);
    }
    return text;
  };
  return remembered as unknown as Translate;
}

const foldedLists = new Map<string, readonly string[]>();

/**
 * A list of words in the locale files (`key` names an array: the greetings, the stop words),
 * folded for matching what people type (foldText) — made once per language and key: asking
 * i18next for an array copies it, which cost a sixth of a second in every thousand messages.
 */
export function foldedWords(language: string, key: string): readonly string[] {
  const lng = uiLanguages.includes(language) ? language : defaultLanguage;
  const id = `${lng}\u0000${key}`;
  let words = foldedLists.get(id);
  if (!words) {
    const found = i18n.getFixedT(lng)(key, { returnObjects: true }) as unknown;
    words = Array.isArray(found) ? found.filter((w): w is string => typeof w === 'string').map(foldText) : [];
    foldedLists.set(id, words);
  }
  return words;
}

/** True when `key` exists in the default language: used by tests that check coverage. */
export function hasKey(key: string): boolean {
  return i18n.exists(key, { lng: defaultLanguage, fallbackLng: false });
}

/** A whole namespace in `language`, with Vietnamese filling any missing key (for web pages). */
export function bundle(namespace: string, language: string = defaultLanguage): Record<string, unknown> {
  return { ...i18n.getResourceBundle(defaultLanguage, namespace), ...i18n.getResourceBundle(language, namespace) };
}
