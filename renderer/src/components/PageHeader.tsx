import type { ReactNode } from 'react';

/** Every page's top: an optional way back, the title, one line of purpose, and the page's actions on the right. */
export function PageHeader({
  back,
  title,
  subtitle,
  actions,
}: {
  back?: { label: string; onClick: () => void; title?: string };
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        {back && (
          <button className="link back" onClick={back.onClick} title={back.title}>
            {back.label}
          </button>
        )}
        <h1>{title}</h1>
        {subtitle && <p className="subtle">{subtitle}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}
