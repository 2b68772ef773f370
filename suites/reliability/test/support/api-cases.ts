import { randomUUID } from 'node:crypto';

// A malformed request to every route of the web API: bad JSON, wrong types, oversize bodies, unknown and
// malformed ids, a missing or wrong worker token. Each must get a 4xx with the API's one error shape.

/** One malformed request and the status it must get. */
export interface ApiCase {
  route: string;
  what: string;
  method: string;
  path: string;
  body?: string;
  auth?: 'token' | 'wrong' | 'none';
  status: number;
}

const json = (value: unknown) => JSON.stringify(value);
const over = (bytes: number) => json({ name: 'x'.repeat(bytes) });

/** Every malformed request, given an existing brand id. */
export function apiCases(brandId: string): ApiCase[] {
  const unknown = randomUUID();
  const bad = 'not-an-id';
  return [
    { route: '/api/brands', what: 'bad JSON', method: 'POST', path: '/api/brands', body: '{"name":', status: 400 },
    { route: '/api/brands', what: 'empty body', method: 'POST', path: '/api/brands', body: '', status: 400 },
    {
      route: '/api/brands',
      what: 'wrong type',
      method: 'POST',
      path: '/api/brands',
      body: json({ name: 42 }),
      status: 400,
    },
    {
      route: '/api/brands',
      what: 'not an object',
      method: 'POST',
      path: '/api/brands',
      body: json(['a']),
      status: 400,
    },
    {
      route: '/api/brands',
      what: 'too long',
      method: 'POST',
      path: '/api/brands',
      body: json({ name: 'n'.repeat(81) }),
      status: 400,
    },
    {
      route: '/api/brands',
      what: 'oversize (70 KB)',
      method: 'POST',
      path: '/api/brands',
      body: over(70_000),
      status: 413,
    },
    { route: '/api/brands', what: 'wrong method', method: 'PUT', path: '/api/brands', body: '{}', status: 405 },
    { route: '/api/brands/[id]', what: 'unknown id', method: 'GET', path: `/api/brands/${unknown}`, status: 404 },
    { route: '/api/brands/[id]', what: 'malformed id', method: 'GET', path: `/api/brands/${bad}`, status: 404 },
    {
      route: '/api/brands/[id]',
      what: 'bad JSON',
      method: 'PATCH',
      path: `/api/brands/${brandId}`,
      body: '{',
      status: 400,
    },
    {
      route: '/api/brands/[id]',
      what: 'wrong type',
      method: 'PATCH',
      path: `/api/brands/${brandId}`,
      body: json({ name: null }),
      status: 400,
    },
    {
      route: '/api/brands/[id]',
      what: 'unknown id',
      method: 'PATCH',
      path: `/api/brands/${unknown}`,
      body: json({ name: 'x' }),
      status: 404,
    },
    { route: '/api/brands/[id]', what: 'unknown id', method: 'DELETE', path: `/api/brands/${unknown}`, status: 404 },
    {
      route: '/api/brands/[id]/prompts',
      what: 'unknown id',
      method: 'GET',
      path: `/api/brands/${unknown}/prompts`,
      status: 404,
    },
    {
      route: '/api/brands/[id]/prompts',
      what: 'bad JSON',
      method: 'POST',
      path: `/api/brands/${brandId}/prompts`,
      body: 'text=hi',
      status: 400,
    },
    {
      route: '/api/brands/[id]/prompts',
      what: 'wrong type',
      method: 'POST',
      path: `/api/brands/${brandId}/prompts`,
      body: json({ text: ['a'] }),
      status: 400,
    },
    {
      route: '/api/brands/[id]/prompts',
      what: 'oversize (70 KB)',
      method: 'POST',
      path: `/api/brands/${brandId}/prompts`,
      body: over(70_000),
      status: 413,
    },
    {
      route: '/api/brands/[id]/prompts',
      what: 'unknown brand',
      method: 'POST',
      path: `/api/brands/${unknown}/prompts`,
      body: json({ text: 'hi' }),
      status: 404,
    },
    { route: '/api/prompts/[id]', what: 'unknown id', method: 'GET', path: `/api/prompts/${unknown}`, status: 404 },
    {
      route: '/api/prompts/[id]',
      what: 'bad JSON',
      method: 'PATCH',
      path: `/api/prompts/${unknown}`,
      body: '}',
      status: 400,
    },
    {
      route: '/api/prompts/[id]',
      what: 'wrong type',
      method: 'PATCH',
      path: `/api/prompts/${unknown}`,
      body: json({ text: 7 }),
      status: 400,
    },
    { route: '/api/prompts/[id]', what: 'malformed id', method: 'DELETE', path: `/api/prompts/${bad}`, status: 404 },
    { route: '/api/reports', what: 'bad limit', method: 'GET', path: '/api/reports?limit=abc', status: 400 },
    {
      route: '/api/reports',
      what: 'malformed brandId',
      method: 'GET',
      path: `/api/reports?brandId=${bad}`,
      status: 400,
    },
    { route: '/api/reports', what: 'bad JSON', method: 'POST', path: '/api/reports', body: '{"brandId"', status: 400 },
    {
      route: '/api/reports',
      what: 'wrong type',
      method: 'POST',
      path: '/api/reports',
      body: json({ brandId: 5 }),
      status: 400,
    },
    {
      route: '/api/reports',
      what: 'unknown brand',
      method: 'POST',
      path: '/api/reports',
      body: json({ brandId: unknown }),
      status: 404,
    },
    { route: '/api/reports/[id]', what: 'unknown id', method: 'GET', path: `/api/reports/${unknown}`, status: 404 },
    { route: '/api/reports/[id]', what: 'malformed id', method: 'GET', path: `/api/reports/${bad}`, status: 404 },
    {
      route: '/api/settings/telemetry',
      what: 'bad JSON',
      method: 'POST',
      path: '/api/settings/telemetry',
      body: '{',
      status: 400,
    },
    {
      route: '/api/settings/telemetry',
      what: 'wrong type',
      method: 'POST',
      path: '/api/settings/telemetry',
      body: json({ enabled: 'yes' }),
      status: 400,
    },
    {
      route: '/api/settings/telemetry',
      what: 'oversize (70 KB)',
      method: 'POST',
      path: '/api/settings/telemetry',
      body: over(70_000),
      status: 413,
    },
    {
      route: '/api/internal/jobs/claim',
      what: 'no token',
      method: 'POST',
      path: '/api/internal/jobs/claim',
      body: json({ workerId: 'w' }),
      auth: 'none',
      status: 401,
    },
    {
      route: '/api/internal/jobs/claim',
      what: 'wrong token',
      method: 'POST',
      path: '/api/internal/jobs/claim',
      body: json({ workerId: 'w' }),
      auth: 'wrong',
      status: 401,
    },
    {
      route: '/api/internal/jobs/claim',
      what: 'bad JSON',
      method: 'POST',
      path: '/api/internal/jobs/claim',
      body: '{',
      auth: 'token',
      status: 400,
    },
    {
      route: '/api/internal/jobs/claim',
      what: 'wrong type',
      method: 'POST',
      path: '/api/internal/jobs/claim',
      body: json({ workerId: 5 }),
      auth: 'token',
      status: 400,
    },
    {
      route: '/api/internal/jobs/[id]/complete',
      what: 'no token',
      method: 'POST',
      path: `/api/internal/jobs/${unknown}/complete`,
      body: '{}',
      auth: 'none',
      status: 401,
    },
    {
      route: '/api/internal/jobs/[id]/complete',
      what: 'no result',
      method: 'POST',
      path: `/api/internal/jobs/${unknown}/complete`,
      body: json({ workerId: 'w' }),
      auth: 'token',
      status: 400,
    },
    {
      route: '/api/internal/jobs/[id]/complete',
      what: 'oversize (9 MB)',
      method: 'POST',
      path: `/api/internal/jobs/${unknown}/complete`,
      body: over(9 * 1024 * 1024),
      auth: 'token',
      status: 413,
    },
    {
      route: '/api/internal/jobs/[id]/fail',
      what: 'wrong type',
      method: 'POST',
      path: `/api/internal/jobs/${unknown}/fail`,
      body: json({ workerId: 'w', errorCode: 'Not A Code' }),
      auth: 'token',
      status: 400,
    },
    {
      route: '/api/internal/jobs/[id]/fail',
      what: 'unknown id',
      method: 'POST',
      path: `/api/internal/jobs/${bad}/fail`,
      body: json({ workerId: 'w', errorCode: 'timeout' }),
      auth: 'token',
      status: 404,
    },
  ];
}
