import type { Prompter } from './prompter.js';

/**
 * A Prompter that loads the real one on its first question: the terminal UI library is only loaded by a run that
 * shows a prompt (`elmo init` on a terminal), never by `--version`, `status` or a run without a terminal.
 */
export function createLazyPrompter(load: () => Promise<Prompter>): Prompter {
  let loaded: Promise<Prompter> | undefined;
  const prompter = () => {
    loaded ??= load();
    return loaded;
  };
  return {
    intro: async (title) => (await prompter()).intro(title),
    note: async (message, title) => (await prompter()).note(message, title),
    outro: async (message) => (await prompter()).outro(message),
    select: async (question) => (await prompter()).select(question),
    multiselect: async (question) => (await prompter()).multiselect(question),
    confirm: async (question) => (await prompter()).confirm(question),
    text: async (question) => (await prompter()).text(question),
    password: async (question) => (await prompter()).password(question),
  };
}
