import { describe, expect, it } from 'vitest';
import { databaseUrlProblem } from './database-url.js';

describe('databaseUrlProblem', () => {
  it.each(['postgres://elmo@localhost:5432/elmo', 'postgresql://u:p@db/x', 'POSTGRES://h/db'])('accepts %s', (url) => {
    expect(databaseUrlProblem(url)).toBeUndefined();
  });

  it.each(['mysql://h/db', 'db.example:5432', '', 'postgres//h'])('refuses %j without echoing it', (url) => {
    const problem = databaseUrlProblem(url);
    expect(problem).toMatch(/postgres:\/\/ or postgresql:\/\//);
    if (url) expect(problem).not.toContain(url);
  });
});
