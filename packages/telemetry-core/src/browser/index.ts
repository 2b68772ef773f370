// The browser layer: a thin posthog-js initialiser that does nothing at all without consent.
import type { PostHog, PostHogConfig } from 'posthog-js';

/** What the page knows when it decides whether to load analytics. */
export interface BrowserTelemetryOptions {
  /** Consent as decided on the server; false means posthog-js is never even loaded. */
  enabled: boolean;
  token: string;
  /** The app's own forwarding route (e.g. `/ingest`); the browser talks to nothing else. */
  apiHost: string;
  uiHost?: string;
  /** The deployment id, used as distinct id for every browser event. */
  distinctId: string;
  /** Events the catalog allows from the browser, with their allowed properties. */
  allowed: Record<string, readonly string[]>;
  /** Common properties added to every browser event (source, version…), already sanitised. */
  common: Record<string, unknown>;
  /** Tests only: posthog-js drops events from headless browsers unless told otherwise. */
  allowHeadless?: boolean;
  /** Loads posthog-js; injectable so pages can lazy-load it only with consent. */
  load?: () => Promise<PostHog>;
}

/** The handle a page uses to report page views by template. */
export interface BrowserTelemetry {
  pageview(template: string): void;
}

// posthog-js needs these to deliver an event; they carry nothing about the person or the page.
const TRANSPORT_KEYS = ['token', 'distinct_id', '$lib', '$lib_version'];

/** Keeps only allowed properties of an allowed event; anything else is dropped before it leaves the page. */
export function filterBrowserEvent(
  event: { event: string; properties: Record<string, unknown> },
  allowed: BrowserTelemetryOptions['allowed'],
  common: Record<string, unknown>,
): { event: string; properties: Record<string, unknown> } | null {
  const own = allowed[event.event];
  if (!own) return null;
  const properties: Record<string, unknown> = { ...common };
  for (const key of [...TRANSPORT_KEYS, ...own]) {
    if (event.properties[key] !== undefined) properties[key] = event.properties[key];
  }
  return { event: event.event, properties: { ...properties, $process_person_profile: false, $geoip_disable: true } };
}

/** Starts posthog-js with everything that could leak turned off; returns undefined (and loads nothing) without consent. */
export async function initBrowserTelemetry(options: BrowserTelemetryOptions): Promise<BrowserTelemetry | undefined> {
  if (!options.enabled || !options.distinctId) return undefined;
  const posthog = await (options.load ?? (async () => (await import('posthog-js')).posthog))();
  let currentTemplate = '/';
  const config: Partial<PostHogConfig> = {
    api_host: options.apiHost,
    ui_host: options.uiHost,
    persistence: 'memory',
    disable_persistence: true,
    disable_cookie: true,
    autocapture: false,
    capture_pageview: false,
    capture_pageleave: false,
    disable_session_recording: true,
    disable_surveys: true,
    disable_product_tours: true,
    disable_conversations: true,
    disable_web_experiments: true,
    disable_external_dependency_loading: true,
    // posthog-js gzips a timed flush with the browser's asynchronous CompressionStream, after it has taken the
    // events out of its queue: a page left during that moment sends nothing as it unloads, and the batch is lost.
    // Uncompressed, the flush is sent at once; page views are a few hundred bytes, so gzip saved almost nothing.
    disable_compression: true,
    advanced_disable_flags: true,
    capture_heatmaps: false,
    capture_dead_clicks: false,
    capture_performance: false,
    capture_exceptions: false,
    save_referrer: false,
    save_campaign_params: false,
    person_profiles: 'never',
    opt_out_useragent_filter: options.allowHeadless ?? false,
    bootstrap: { distinctID: options.distinctId },
    // The page's real URL never leaves: posthog-js sees the route template instead.
    get_current_url: () => currentTemplate,
    before_send: (captured) => {
      if (!captured) return null;
      const filtered = filterBrowserEvent(captured, options.allowed, options.common);
      if (!filtered) return null;
      return { ...captured, ...filtered, $set: undefined, $set_once: undefined };
    },
  };
  posthog.init(options.token, config);
  return {
    pageview(template) {
      currentTemplate = template;
      posthog.capture('$pageview', { $pathname: template });
    },
  };
}
