// A deterministic corpus of secret-like strings: the same seed gives the same corpus on every machine, and
// nothing is downloaded. Each secret carries random parts of 10+ characters ("fragments") so that a leak is
// caught even when only part of it (a token body, a user name) reaches the wire, with no false positives.

import { createRandom } from '@elmo/test-support';

/** What kind of secret a corpus entry imitates. */
export type SecretCategory =
  | 'email'
  | 'github-token'
  | 'github-pat'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'stripe-key'
  | 'jwt'
  | 'slack-token'
  | 'private-key'
  | 'user-path'
  | 'credential-url'
  | 'ipv4'
  | 'ipv6'
  | 'host-name'
  | 'brand-name'
  | 'prompt-text'
  | 'provider-key'
  | 'provider-base-url';

/** One generated secret. */
export interface Secret {
  id: number;
  category: SecretCategory;
  value: string;
  /** Random substrings that identify this secret on their own. */
  fragments: string[];
}

/** Every category, in the order the generator cycles through them. */
export const SECRET_CATEGORIES: readonly SecretCategory[] = [
  'email',
  'github-token',
  'github-pat',
  'aws-access-key',
  'aws-secret-key',
  'stripe-key',
  'jwt',
  'slack-token',
  'private-key',
  'user-path',
  'credential-url',
  'ipv4',
  'ipv6',
  'host-name',
  'brand-name',
  'prompt-text',
  'provider-key',
  'provider-base-url',
];

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}${LOWER.toUpperCase()}0123456789`;
const FIRST = ['alice', 'bjorn', 'chiara', 'deepa', 'emeka', 'farah', 'goran', 'hiroko', 'ines', 'jamal', 'kerstin'];
const LAST = ['nguyen', 'okafor', 'petrov', 'quispe', 'rossi', 'sato', 'tanaka', 'umarov', 'varga', 'weber'];
const WORDS = ['harbor', 'copper', 'meadow', 'lantern', 'summit', 'willow', 'quartz', 'ember', 'falcon', 'juniper'];
const CITIES = ['Lagos', 'Osaka', 'Lima', 'Tallinn', 'Porto', 'Quito', 'Leeds', 'Pune', 'Graz', 'Hobart'];

/** Helpers bound to one PRNG. */
function pickers(random: () => number) {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)] as T;
  const chars = (alphabet: string, length: number) =>
    Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  const b64url = (length: number) => chars(`${ALNUM}-_`, length);
  return { int, pick, chars, b64url };
}

/** Generates `count` secrets from `seed`, cycling through every category. */
export function generateCorpus(count = 1024, seed = 0x5eed_e1a0): Secret[] {
  const random = createRandom(seed);
  const { int, pick, chars, b64url } = pickers(random);
  const tag = () => chars(`${LOWER}0123456789`, 10);
  const user = () => `${pick(FIRST)}.${pick(LAST)}${chars('0123456789', 4)}`;
  const make: Record<SecretCategory, () => { value: string; fragments: string[] }> = {
    email: () => {
      const local = user();
      return { value: `${local}@${pick(WORDS)}-${tag()}.example`, fragments: [local] };
    },
    'github-token': () => {
      const body = chars(ALNUM, 36);
      return { value: `ghp_${body}`, fragments: [body] };
    },
    'github-pat': () => {
      const [a, b] = [chars(ALNUM, 22), chars(ALNUM, 59)];
      return { value: `github_pat_${a}_${b}`, fragments: [a, b] };
    },
    'aws-access-key': () => {
      const body = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
      return { value: `AKIA${body}`, fragments: [body] };
    },
    'aws-secret-key': () => {
      const value = chars(`${ALNUM}/+`, 40);
      return { value, fragments: [value.slice(0, 20), value.slice(20)] };
    },
    'stripe-key': () => {
      const body = chars(ALNUM, 24);
      return { value: `sk_live_${body}`, fragments: [body] };
    },
    jwt: () => {
      const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub: user(), iat: int(1.6e9, 1.8e9) })).toString('base64url');
      const signature = b64url(43);
      return { value: `${header}.${payload}.${signature}`, fragments: [payload, signature] };
    },
    'slack-token': () => {
      const body = chars(ALNUM, 24);
      return { value: `xoxb-${chars('0123456789', 11)}-${chars('0123456789', 13)}-${body}`, fragments: [body] };
    },
    'private-key': () => {
      const kind = pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
      const lines = Array.from({ length: int(4, 8) }, () => chars(`${ALNUM}+/`, 64));
      return {
        value: `-----BEGIN ${kind}-----\n${lines.join('\n')}\n-----END ${kind}-----`,
        fragments: lines.map((line) => line.slice(8, 40)),
      };
    },
    'user-path': () => {
      const name = `${pick(FIRST)}-${tag()}`;
      const value = pick([
        `/home/${name}/projects/${pick(WORDS)}/.env`,
        `/Users/${name}/Documents/${pick(WORDS)} plan.pdf`,
        `C:\\Users\\${name}\\AppData\\Roaming\\${pick(WORDS)}`,
      ]);
      return { value, fragments: [name] };
    },
    'credential-url': () => {
      const [name, password] = [`${pick(FIRST)}${tag()}`, chars(ALNUM, 16)];
      const value = pick([
        `https://${name}:${password}@${pick(WORDS)}.example.com/api?key=${chars(ALNUM, 12)}`,
        `postgres://${name}:${password}@db-${tag()}.internal:5432/${pick(WORDS)}`,
        `redis://:${password}@${pick(WORDS)}.cache.internal:6379/0#${name}`,
      ]);
      return { value, fragments: [name, password] };
    },
    ipv4: () => {
      const value = [pick([10, 172, 192, 203, 198]), int(100, 254), int(100, 254), int(100, 254)].join('.');
      return { value, fragments: [] };
    },
    ipv6: () => {
      const groups = Array.from({ length: 6 }, () => chars('0123456789abcdef', 4));
      return { value: `2001:db8:${groups.join(':')}`, fragments: [] };
    },
    'host-name': () => {
      const name = `${pick(WORDS)}-${tag()}`;
      return { value: `${name}.${pick(['corp', 'prod', 'lan'])}.${pick(WORDS)}.internal`, fragments: [name] };
    },
    'brand-name': () => {
      const mark = chars(ALNUM, 10);
      return { value: `${pick(WORDS)} ${pick(WORDS)} Roasters ${mark}`, fragments: [mark] };
    },
    'prompt-text': () => {
      const mark = chars(ALNUM, 12);
      const value = `What do customers in ${pick(CITIES)} say about our ${pick(WORDS)} blend ${mark}? Reply to ${user()}@${pick(WORDS)}.example`;
      return { value, fragments: [mark] };
    },
    // What a deployment's `.env` holds for its model providers (SPEC §12): keys in each vendor's shape, and base
    // URLs of gateways and local model servers whose host or path names the organisation.
    'provider-key': () => {
      const body = chars(ALNUM, 48);
      const value = pick([`sk-proj-${body}`, `sk-ant-api03-${body}-${b64url(24)}AA`, `sk-${body}`]);
      return { value, fragments: [body] };
    },
    'provider-base-url': () => {
      const name = `${pick(WORDS)}-${tag()}`;
      const value = pick([
        `https://${name}.openai.azure.example/openai/deployments/${pick(WORDS)}/v1`,
        `http://llm-${name}.lan:11434/v1`,
        `https://gateway.internal/${name}/anthropic`,
      ]);
      return { value, fragments: [name] };
    },
  };
  return Array.from({ length: count }, (_, id) => {
    const category = SECRET_CATEGORIES[id % SECRET_CATEGORIES.length] as SecretCategory;
    return { id, category, ...make[category]() };
  });
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
