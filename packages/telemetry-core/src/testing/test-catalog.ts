import { defineCatalog, defineEvent, prop } from '../catalog.js';

/** A small catalog used by the core's own tests. */
export const testCatalog = defineCatalog({
  consentVersion: 1,
  common: {
    event_version: prop.count('v'),
    product_version: prop.version('v'),
    source: prop.enum(['cli', 'web'], 's'),
    session_id: prop.id('s'),
  },
  neverCollected: ['secrets'],
  events: [
    defineEvent({
      name: 'cmd',
      purpose: 'a command ran',
      version: 2,
      owner: '@test/owners',
      question: 'which commands run, and how long do they take?',
      added: '1.0.0',
      // Expiry itself is tested with a catalog of its own (telemetry.test.ts).
      expires: { never: 'the core’s own tests use it on any date' },
      properties: { command: prop.enum(['init', 'start'], 'c'), duration_ms: prop.durationMs('d') },
    }),
    defineEvent({
      name: 'signup',
      purpose: 'explicit',
      version: 1,
      owner: '@test/owners',
      question: 'who asked for updates?',
      added: '1.0.0',
      expires: { never: 'an explicit request is honoured whenever it is made' },
      explicit: true,
      properties: { source: prop.enum(['cli_init'], 's') },
      personProperties: { email: { description: 'email', pattern: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/ } },
    }),
    defineEvent({
      name: 'forget',
      purpose: 'explicit, keyed by the id being forgotten',
      version: 1,
      owner: '@test/owners',
      question: 'whose events must be deleted?',
      added: '1.0.0',
      expires: { never: 'an explicit request is honoured whenever it is made' },
      explicit: true,
      properties: {},
    }),
  ],
});
