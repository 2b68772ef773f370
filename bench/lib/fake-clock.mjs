// A fake clock for the timers of chosen code only (no @sinonjs/fake-timers in the workspace): it replaces the
// global setTimeout/setInterval/clearTimeout/clearInterval, and a timer whose caller's script matches `owns`
// becomes a fake one, run when the clock is advanced; every other timer (Node's HTTP stack, undici, posthog-node,
// the loopback sink, the bench itself) stays real. `now()` is the fake time, for code that takes a clock.
const real = {
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  clearTimeout: globalThis.clearTimeout,
  clearInterval: globalThis.clearInterval,
};
// Node's bounds: a delay below 1 ms or above this is 1 ms.
const TIMEOUT_MAX = 2 ** 31 - 1;

/** Installs the fake clock at `start` (ms since the epoch) for timers created by scripts whose URL matches `owns`. */
export function installFakeClock({ start, owns }) {
  let now = start;
  let seq = 0;
  const timers = new Set();
  const created = { fake: 0, real: 0 };
  const callerOwned = (fn) => {
    const holder = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder, fn);
    Error.stackTraceLimit = limit;
    return owns.test(holder.stack ?? '');
  };
  const schedule = (callback, delay, args, repeat) => {
    const ms = Number(delay) >= 1 && Number(delay) <= TIMEOUT_MAX ? Math.trunc(Number(delay)) : 1;
    const timer = {
      id: ++seq,
      at: now + ms,
      interval: repeat ? ms : undefined,
      callback,
      args,
      fake: true,
      ref: () => timer,
      unref: () => timer,
      hasRef: () => false,
      refresh() {
        timer.at = now + ms;
        timers.add(timer);
        return timer;
      },
      [Symbol.toPrimitive]: () => timer.id,
    };
    timers.add(timer);
    created.fake += 1;
    return timer;
  };
  const clear = (timer) => {
    if (timer?.fake) timers.delete(timer);
    else real.clearTimeout(timer);
  };
  globalThis.setTimeout = function setTimeout(callback, delay, ...args) {
    if (!callerOwned(setTimeout)) {
      created.real += 1;
      return real.setTimeout(callback, delay, ...args);
    }
    return schedule(callback, delay, args, false);
  };
  globalThis.setInterval = function setInterval(callback, delay, ...args) {
    if (!callerOwned(setInterval)) {
      created.real += 1;
      return real.setInterval(callback, delay, ...args);
    }
    return schedule(callback, delay, args, true);
  };
  globalThis.clearTimeout = clear;
  globalThis.clearInterval = clear;

  const next = (limit) => {
    let first;
    for (const timer of timers) {
      if (timer.at > limit) continue;
      if (!first || timer.at < first.at || (timer.at === first.at && timer.id < first.id)) first = timer;
    }
    return first;
  };
  let fired = 0;
  return {
    now: () => now,
    /** Fake and real timers created so far, and fake ones fired. */
    stats: () => ({ ...created, fired }),
    /**
     * Moves the clock to `target`, firing every fake timer due on the way in order, each at its own time;
     * `afterEach` (awaited) runs after each firing, so promises and real I/O it started can settle.
     */
    async advanceTo(target, afterEach = async () => {}) {
      for (let timer = next(target); timer; timer = next(target)) {
        now = Math.max(now, timer.at);
        if (timer.interval === undefined) timers.delete(timer);
        else timer.at += timer.interval;
        fired += 1;
        try {
          timer.callback(...timer.args);
        } catch (error) {
          process.stderr.write(`fake timer callback threw: ${error?.stack ?? error}\n`);
        }
        await afterEach();
      }
      now = Math.max(now, target);
    },
    /** Puts the real timer functions back. */
    uninstall() {
      Object.assign(globalThis, real);
    },
  };
}
