import { Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../api';
import { navigate } from '../router';
import type { SessionBody } from '../types';
import { FormCard, Problem } from '../ui';

const MIN_PASSWORD = 12;

export function InvitationPage({ token, onSignedIn }: { token: string; onSignedIn: (body: SessionBody) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) return setError(`The password needs at least ${MIN_PASSWORD} characters.`);
    if (password !== repeat) return setError('The passwords differ.');
    setBusy(true);
    setError(undefined);
    try {
      const body = await api<SessionBody>('POST', '/api/v1/console/invitations/accept', { token, name, password });
      // The token is spent: keep it out of the address bar and the history.
      window.history.replaceState(null, '', window.location.pathname);
      onSignedIn(body);
      navigate('/');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormCard title="Accept your invitation" width={420} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        Choose your name and a password of at least {MIN_PASSWORD} characters.
      </Text>
      <Problem error={error} />
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <PasswordInput
        label="Password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
      />
      <PasswordInput
        label="Password again"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(e) => setRepeat(e.currentTarget.value)}
      />
      <Button type="submit" loading={busy}>
        Create my account
      </Button>
    </FormCard>
  );
}
