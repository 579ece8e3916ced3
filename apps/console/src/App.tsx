import { AppShell, Badge, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, whenUnauthorized } from './api';
import { href, match, navigate, useHashPath } from './router';
import type { SessionBody, User } from './types';
import { AuditPage } from './pages/AuditPage';
import { InspectorPage } from './pages/InspectorPage';
import { InvitationPage } from './pages/InvitationPage';
import { NodePage } from './pages/NodePage';
import { NodesPage } from './pages/NodesPage';
import { OperatorPage } from './pages/OperatorPage';
import { PairingsPage } from './pages/PairingsPage';
import { RmPage } from './pages/RmPage';
import { ServiceAccountsPage } from './pages/ServiceAccountsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { UsersPage } from './pages/UsersPage';
import { WebhookPage, WebhooksPage } from './pages/WebhooksPage';

const TENANT_NAV = [
  { path: '/nodes', label: 'CEM nodes' },
  { path: '/pairings', label: 'Pairings and sessions' },
  { path: '/webhooks', label: 'Webhooks' },
  { path: '/service-accounts', label: 'Service accounts' },
  { path: '/audit', label: 'Audit log' },
  { path: '/users', label: 'Users' },
  { path: '/settings', label: 'Settings' },
];

const OPERATOR_NAV = [{ path: '/operator', label: 'Operator' }];

export function App() {
  const path = useHashPath();
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const signedIn = useCallback((body: SessionBody) => {
    setCsrfToken(body.csrfToken);
    setUser(body.user);
  }, []);

  useEffect(() => {
    whenUnauthorized(() => setUser(null));
    api<SessionBody>('GET', '/api/v1/console/session').then(signedIn, () => setUser(null));
  }, [signedIn]);

  const invitation = match('/invitation/:token', path);
  if (invitation) return <InvitationPage token={invitation.token!} onSignedIn={signedIn} />;
  if (user === undefined)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  if (user === null) return <SignInPage onSignedIn={signedIn} />;

  const signOut = async () => {
    await api('DELETE', '/api/v1/console/session').catch(() => undefined);
    setCsrfToken(undefined);
    setUser(null);
  };
  const nav = user.role === 'operator' ? OPERATOR_NAV : TENANT_NAV;
  if (path === '/' || path === '/sign-in') {
    navigate(nav[0]!.path);
    return null;
  }
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>s2-broker console</Title>
          <Group gap="sm">
            <Text size="sm">{user.email}</Text>
            <Badge variant="light">{user.role}</Badge>
            <Button size="xs" variant="default" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {nav.map((item) => (
          <NavLink key={item.path} href={href(item.path)} label={item.label} active={path.startsWith(item.path)} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes path={path} user={user} />
      </AppShell.Main>
    </AppShell>
  );
}

function Routes({ path, user }: { path: string; user: User }) {
  const canChange = user.role === 'admin';
  let params: Record<string, string> | null;
  if ((params = match('/nodes/:id', path))) return <NodePage id={params.id!} canChange={canChange} />;
  if ((params = match('/rms/:id/inspector', path))) return <InspectorPage rmNodeId={params.id!} />;
  if ((params = match('/rms/:id', path))) return <RmPage rmNodeId={params.id!} canChange={canChange} />;
  if ((params = match('/webhooks/:id', path))) return <WebhookPage id={params.id!} canChange={canChange} />;
  if (path.startsWith('/nodes')) return <NodesPage canChange={canChange} />;
  if (path.startsWith('/pairings')) return <PairingsPage />;
  if (path.startsWith('/webhooks')) return <WebhooksPage canChange={canChange} />;
  if (path.startsWith('/service-accounts')) return <ServiceAccountsPage canChange={canChange} />;
  if (path.startsWith('/audit')) return <AuditPage />;
  if (path.startsWith('/users')) return <UsersPage canChange={canChange} self={user} />;
  if (path.startsWith('/settings')) return <SettingsPage canChange={canChange} />;
  if (path.startsWith('/operator')) return <OperatorPage />;
  return <Text>No page here.</Text>;
}
