// Telemetry must never change what the product does: the apps call their telemetry hooks through this guard, so a
// throwing hook cannot fail a request or a job, and a failing flush cannot keep a process from closing.

type HookSet<T> = { [K in keyof T]: (...args: never[]) => void | Promise<void> };

/**
 * The hooks named in `names` (every hook of `T`: a missing one is a type error), each wrapped so that a throw or a
 * rejected promise is swallowed. A hook that throws answers with a resolved promise, which is what an async hook's
 * caller awaits and what a void hook's caller ignores.
 */
export function guardHooks<T extends HookSet<T>>(hooks: T, names: { readonly [K in keyof T]-?: true }): T {
  const guarded: Partial<Record<keyof T, unknown>> = {};
  for (const name of Object.keys(names) as (keyof T)[]) {
    const hook = hooks[name] as unknown as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => {
      try {
        const result = hook.apply(hooks, args);
        return result instanceof Promise ? result.catch(() => undefined) : result;
      } catch {
        return Promise.resolve();
      }
    };
  }
  return guarded as T;
}
