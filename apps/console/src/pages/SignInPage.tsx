import { Button, PasswordInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, ApiError, messageOf } from '../api';
import type { SessionBody } from '../types';
import { FormCard, Problem } from '../ui';

export function SignInPage({ onSignedIn }: { onSignedIn: (body: SessionBody) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<SessionBody>('POST', '/api/v1/console/session', { email, password }));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'Wrong email or password.' : messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormCard title="Sign in to s2-broker" width={380} onSubmit={submit}>
      <Problem error={error} />
      <TextInput
        label="Email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
      />
      <PasswordInput
        label="Password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
      />
      <Button type="submit" loading={busy}>
        Sign in
      </Button>
    </FormCard>
  );
}
