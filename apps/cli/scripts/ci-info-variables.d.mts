/** The variable names ci-info's `isCI` depends on, sorted; `dir` is ci-info's package folder. */
export function ciInfoVariables(dir: string): string[];
