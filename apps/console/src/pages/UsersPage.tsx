import { Badge, Button, Group, Select, Table, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../api';
import { ShownOnce } from '../secret';
import type { User } from '../types';
import { useLoad } from '../use-load';
import { Loading, PageTitle, Problem } from '../ui';

interface Listed extends User {
  createdAt?: string;
  disabledAt?: string | null;
}

export function UsersPage({ canChange, self }: { canChange: boolean; self: User }) {
  const users = useLoad(() => api<{ items: Listed[] }>('GET', '/api/v1/users'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setLink(
        (await api<{ invitationUrl: string }>('POST', '/api/v1/users/invitations', { email, role })).invitationUrl,
      );
      setEmail('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const act = async (change: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await change();
      users.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const remove = (user: Listed) =>
    act(async () => {
      if (window.confirm(`Remove ${user.email}? Their sessions end now.`))
        await api('DELETE', `/api/v1/users/${user.id}`);
    });
  const setDisabled = (user: Listed, disabled: boolean) =>
    act(async () => {
      if (!disabled || window.confirm(`Disable ${user.email}? Their sessions end now.`))
        await api('PATCH', `/api/v1/users/${user.id}`, { disabled });
    });
  const changeRole = (user: Listed, next: string | null) =>
    act(() => api('PATCH', `/api/v1/users/${user.id}`, { role: next }));

  return (
    <>
      <PageTitle>Users</PageTitle>
      <Problem error={users.error ?? error} />
      <ShownOnce label="Invitation link (send it to the person yourself)" value={link} />
      {canChange && (
        <form onSubmit={(event) => void invite(event)}>
          <Group align="end" mb="md">
            <TextInput
              label="Email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              w={300}
            />
            <Select
              label="Role"
              value={role}
              onChange={(v) => setRole(v ?? 'viewer')}
              data={['viewer', 'admin']}
              w={140}
            />
            <Button type="submit">Invite</Button>
          </Group>
        </form>
      )}
      <Loading loading={users.loading} />
      <Table striped>
        <Table.Tbody>
          {users.data?.items.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>{user.name}</Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>
                {canChange && user.id !== self.id ? (
                  <Select
                    size="xs"
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    allowDeselect={false}
                    onChange={(next) => void changeRole(user, next)}
                    data={['viewer', 'admin']}
                    w={110}
                  />
                ) : (
                  <Badge variant="light">{user.role}</Badge>
                )}
              </Table.Td>
              <Table.Td>
                {user.disabledAt ? <Badge color="gray">disabled</Badge> : <Badge color="teal">active</Badge>}
              </Table.Td>
              <Table.Td>
                {canChange && user.id !== self.id && (
                  <Group gap="xs">
                    <Button size="xs" variant="light" onClick={() => void setDisabled(user, !user.disabledAt)}>
                      {user.disabledAt ? 'Enable' : 'Disable'}
                    </Button>
                    <Button size="xs" color="red" variant="light" onClick={() => void remove(user)}>
                      Remove
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
