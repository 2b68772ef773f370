import type { ProviderAnswer, ProviderReport, ReportPrompt } from '@elmo/app-shared';
import { answerLabel, providerLabel } from '../lib/provider-text';

type Outcome = 'mentioned' | 'not-mentioned' | 'failed' | 'missing';

const outcomeOf = (answer: ProviderAnswer | undefined): Outcome =>
  !answer ? 'missing' : answer.error ? 'failed' : answer.mentioned ? 'mentioned' : 'not-mentioned';

// A mark beside the words, so the state reads at a glance without relying on colour; hidden from screen
// readers, which get the words.
const marks: Record<Outcome, string> = { mentioned: '✓', 'not-mentioned': '–', failed: '✕', missing: '' };

function AnswerCell({ answer }: { answer: ProviderAnswer | undefined }) {
  const outcome = outcomeOf(answer);
  return (
    <td className={`answer answer-${outcome}`}>
      {marks[outcome] ? (
        <span className="answer-mark" aria-hidden="true">
          {marks[outcome]}
        </span>
      ) : null}
      {answer ? answerLabel(answer) : 'Not asked'}
    </td>
  );
}

/** The brand's prompts down, the providers across: whether each answer names the brand, where, or why none came. */
export function ProviderAnswersTable({
  prompts,
  providers,
  brandName,
}: {
  prompts: ReportPrompt[];
  providers: ProviderReport[];
  brandName: string;
}) {
  const byProvider = providers.map((p) => new Map(p.answers.map((a) => [a.promptId, a])));
  return (
    <table className="table answers">
      <caption>Whether each provider's answer to a prompt mentions {brandName}</caption>
      <thead>
        <tr>
          <th scope="col">Prompt</th>
          {providers.map((p) => (
            <th scope="col" key={p.provider}>
              {providerLabel(p.provider)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {prompts.map((prompt) => (
          <tr key={prompt.id}>
            <th scope="row" className="prompt-cell">
              {prompt.text}
            </th>
            {byProvider.map((answers, i) => (
              <AnswerCell key={providers[i]?.provider} answer={answers.get(prompt.id)} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
