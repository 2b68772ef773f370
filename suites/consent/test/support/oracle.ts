import { readFileSync } from 'node:fs';

// The test's own reading of SPEC §3, written without the product's code: which opt-outs are in force, judged
// from the files and variables a person or operator can set. The model test holds the product to it.

const FALSE = new Set(['', '0', 'false', 'no', 'off']);
const truthy = (value: string | undefined) => value !== undefined && !FALSE.has(value.trim().toLowerCase());

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// A deliberately small .env reader: KEY=value lines, optional quotes, `#` comments.
function dotenvValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) continue;
    let value = (match[2] ?? '').trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    values[match[1]] = value;
  }
  return values;
}

/** Where a surface's consent settings are, as the test set them up. */
export interface ConsentWorld {
  policyFile: string;
  configFile: string;
  envFile: string;
  /** The process environment the running deployment was started with. */
  startEnv: Record<string, string | undefined>;
}

/** Every opt-out in force now, in words; empty when telemetry may be sent. */
export function optOutsInForce(world: ConsentWorld): string[] {
  const found: string[] = [];
  const policy = read(world.policyFile);
  if (policy !== undefined) {
    let maximum: unknown;
    try {
      maximum = (JSON.parse(policy) as { maximum?: unknown }).maximum;
    } catch {}
    if (maximum !== 'on') found.push(`policy ${JSON.stringify(maximum ?? policy)}`);
  }
  for (const name of ['DO_NOT_TRACK', 'DISABLE_TELEMETRY', 'ELMO_TELEMETRY_DEBUG'])
    if (truthy(world.startEnv[name])) found.push(`process env ${name}`);
  const dotenv = read(world.envFile);
  if (dotenv !== undefined) {
    const values = dotenvValues(dotenv);
    for (const name of ['DO_NOT_TRACK', 'DISABLE_TELEMETRY']) if (truthy(values[name])) found.push(`.env ${name}`);
    const mode = values.TELEMETRY_MODE;
    if (mode !== undefined && mode !== '' && mode !== 'on') found.push(`.env TELEMETRY_MODE=${mode}`);
  }
  const config = read(world.configFile);
  if (config !== undefined) {
    let data: Record<string, unknown> | undefined;
    try {
      data = JSON.parse(config) as Record<string, unknown>;
    } catch {
      found.push('user config unreadable');
    }
    const disabled = data?.telemetryDisabled;
    if (disabled === true || (typeof disabled === 'string' && truthy(disabled))) found.push('config telemetryDisabled');
    const mode = data?.telemetryMode;
    if (mode !== undefined && mode !== 'on') found.push(`config telemetryMode=${String(mode)}`);
  }
  return found;
}
