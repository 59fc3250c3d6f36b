import { ReactNode } from 'react';
import { Link } from '../router';
import { useSession } from '../session-context';

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          cargohold
        </Link>
        <nav aria-label="Main">
          <Link href="/">Projects</Link>
          <Link href="/groups">Groups</Link>
        </nav>
        <div className="user">
          <span data-testid="signed-in-user" title={user.name}>
            {user.username}
            {user.is_admin ? ' (admin)' : ''}
          </span>
          <Link href="/user/access-tokens">Access tokens</Link>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export interface Crumb {
  label: string;
  href?: string;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        {items.map((item, index) => (
          <li key={`${index}-${item.label}`}>
            {item.href && index < items.length - 1 ? (
              <Link href={item.href}>{item.label}</Link>
            ) : (
              <span aria-current={index === items.length - 1 ? 'page' : undefined}>{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
