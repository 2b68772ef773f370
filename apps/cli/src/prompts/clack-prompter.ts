import type { Readable, Writable } from 'node:stream';
import { cancel, confirm, intro, isCancel, multiselect, note, outro, password, select, text } from '@clack/prompts';
import { CliError, INTERRUPTED_EXIT_CODE } from '../cli-error.js';
import type { Prompter } from './prompter.js';

function answered<T>(value: T, output: Writable): Exclude<T, symbol> {
  if (isCancel(value)) {
    cancel('Cancelled; nothing more was changed.', { output });
    throw new CliError('interrupted', 'elmo init was cancelled', INTERRUPTED_EXIT_CODE);
  }
  return value as Exclude<T, symbol>;
}

/** A Prompter on @clack/prompts, reading and writing the given terminal streams. */
export function createClackPrompter(streams: { input: Readable; output: Writable }): Prompter {
  const io = { input: streams.input, output: streams.output };
  return {
    intro: async (title) => intro(title, io),
    note: async (message, title) => note(message, title, io),
    outro: async (message) => outro(message, io),
    async select(question) {
      // clack's option type is conditional on the value type; our options are plain string values.
      const value = await select({
        ...io,
        message: question.message,
        options: question.options as never,
        initialValue: question.initialValue,
      });
      return answered(value, streams.output) as (typeof question.options)[number]['value'];
    },
    async multiselect(question) {
      const value = await multiselect({
        ...io,
        message: question.message,
        options: question.options as never,
        initialValues: question.initialValues,
        required: question.required,
      });
      return answered(value, streams.output) as (typeof question.options)[number]['value'][];
    },
    async confirm(question) {
      return answered(await confirm({ ...io, ...question }), streams.output);
    },
    async text(question) {
      const validate = question.validate;
      const value = await text({
        ...io,
        message: question.message,
        placeholder: question.placeholder,
        initialValue: question.initialValue,
        validate: validate ? (input) => validate(input ?? '') : undefined,
      });
      return answered(value, streams.output);
    },
    async password(question) {
      const validate = question.validate;
      const value = await password({
        ...io,
        message: question.message,
        validate: validate ? (input) => validate(input ?? '') : undefined,
      });
      return answered(value, streams.output);
    },
  };
}
