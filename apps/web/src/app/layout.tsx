import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLink } from '../components/nav-link';
import { TelemetryScript } from '../components/telemetry-script';
import { getRuntime } from '../server/runtime';
import './globals.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Elmo', template: '%s · Elmo' },
  description: 'Your local Elmo: brands, prompts and reports.',
};

/** The frame of every page: skip link, header with navigation, main content. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  // Decided per request: a page loaded after consent is withdrawn carries no analytics code at all.
  const browserTelemetry = (await getRuntime()).telemetry.browserConfig();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container header-inner">
            <Link href="/" className="logo">
              Elmo
            </Link>
            <nav aria-label="Main">
              <NavLink href="/">Dashboard</NavLink>
              <NavLink href="/settings">Settings</NavLink>
            </nav>
          </div>
        </header>
        <main id="main" className="container">
          {children}
        </main>
        {browserTelemetry ? <TelemetryScript config={browserTelemetry} /> : null}
      </body>
    </html>
  );
}
