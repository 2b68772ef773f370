import Link from 'next/link';

/** Shown for unknown pages and for brands or reports that do not exist (any more). */
export default function NotFound() {
  return (
    <section className="card">
      <h1>Not found</h1>
      <p>This page does not exist, or what it showed has been deleted.</p>
      <p>
        <Link href="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}
