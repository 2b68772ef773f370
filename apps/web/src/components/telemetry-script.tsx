'use client';

import { PAGE_ROUTES } from '@elmo/elmo-telemetry';
import { toRouteTemplate } from '@elmo/telemetry-core';
import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { BrowserTelemetryConfig } from '../server/telemetry';

type Handle = { pageview(template: string): void };

/**
 * Loads posthog-js only when the server decided there is consent (it renders this component only then), and
 * reports each page view by its route template. Without consent this component is not on the page at all.
 */
export function TelemetryScript({ config }: { config: BrowserTelemetryConfig }) {
  const pathname = usePathname();
  const handle = useRef<Promise<Handle | undefined> | null>(null);
  useEffect(() => {
    handle.current ??= import('@elmo/telemetry-core/browser').then(async ({ initBrowserTelemetry }) => {
      const telemetry = await initBrowserTelemetry({ ...config, enabled: true });
      // Visible to anyone inspecting the page (and to tests): analytics are active on this page.
      document.documentElement.dataset.analytics = telemetry ? 'on' : 'off';
      return telemetry;
    });
    const template = toRouteTemplate(pathname, PAGE_ROUTES);
    if (template) void handle.current.then((telemetry) => telemetry?.pageview(template));
  }, [config, pathname]);
  return null;
}
