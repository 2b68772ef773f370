/** One choice of a select question. */
export interface PromptOption<V extends string> {
  value: V;
  label: string;
  hint?: string;
}

/**
 * The questions `elmo init` asks; a cancelled question (Ctrl-C, Esc) throws a CliError `interrupted`. Every method
 * is async, so that the terminal UI library is loaded only when something is shown (see lazy-prompter.ts).
 */
export interface Prompter {
  intro(title: string): Promise<void>;
  note(message: string, title?: string): Promise<void>;
  outro(message: string): Promise<void>;
  select<V extends string>(question: { message: string; options: PromptOption<V>[]; initialValue?: V }): Promise<V>;
  /** Several choices; with `required`, at least one. */
  multiselect<V extends string>(question: {
    message: string;
    options: PromptOption<V>[];
    initialValues?: V[];
    required?: boolean;
  }): Promise<V[]>;
  confirm(question: { message: string; initialValue: boolean }): Promise<boolean>;
  /** Asks until `validate` returns undefined (it returns the problem otherwise). */
  text(question: {
    message: string;
    placeholder?: string;
    initialValue?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  /** Like `text`, with the input masked on the screen (an API key). */
  password(question: { message: string; validate?: (value: string) => string | undefined }): Promise<string>;
}
