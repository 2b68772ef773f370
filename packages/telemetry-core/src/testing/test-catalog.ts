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
      properties: { command: prop.enum(['init', 'start'], 'c'), duration_ms: prop.durationMs('d') },
    }),
    defineEvent({
      name: 'signup',
      purpose: 'explicit',
      version: 1,
      explicit: true,
      properties: { source: prop.enum(['cli_init'], 's') },
      personProperties: { email: { description: 'email', pattern: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/ } },
    }),
  ],
});
