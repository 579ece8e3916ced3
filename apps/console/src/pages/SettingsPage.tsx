import { Button, Card, Group, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../api';
import type { HistorySettings } from '../types';
import { useLoad } from '../use-load';
import { PageTitle, Problem } from '../ui';

export function SettingsPage({ canChange }: { canChange: boolean }) {
  const settings = useLoad(() => api<HistorySettings>('GET', '/api/v1/settings/history'), []);
  const [enabled, setEnabled] = useState(false);
  const [maxMessages, setMaxMessages] = useState<number | string>(1000);
  const [hours, setHours] = useState<number | string>(24);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const data = settings.data;
    if (!data) return;
    setEnabled(data.enabled);
    if (data.maxMessages) setMaxMessages(data.maxMessages);
    if (data.maxAgeSeconds) setHours(data.maxAgeSeconds / 3600);
  }, [settings.data]);

  const save = async () => {
    setError(undefined);
    setSaved(false);
    try {
      const body = enabled
        ? { enabled: true, maxMessages: Number(maxMessages), maxAgeSeconds: Math.round(Number(hours) * 3600) }
        : { enabled: false };
      await api('PUT', '/api/v1/settings/history', body);
      setSaved(true);
      settings.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <>
      <PageTitle>Settings</PageTitle>
      <Problem error={settings.error ?? error} />
      <Card withBorder maw={560}>
        <Stack>
          <Text fw={600}>Message history</Text>
          <Text size="sm" c="dimmed">
            Off by default: the messages are the homes' data. When on, the broker keeps each RM's last messages, bounded
            by count and age, for the inspector, the RM page's plot and GET /api/v1/rms/&#123;id&#125;/messages.
          </Text>
          <Switch
            label="Keep message history"
            checked={enabled}
            disabled={!canChange}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <Group>
            <NumberInput
              label="Messages per RM"
              min={1}
              value={maxMessages}
              onChange={setMaxMessages}
              disabled={!enabled || !canChange}
            />
            <NumberInput
              label="Hours"
              min={0.1}
              value={hours}
              onChange={setHours}
              disabled={!enabled || !canChange}
              decimalScale={1}
            />
          </Group>
          {canChange && (
            <Group>
              <Button onClick={() => void save()}>Save</Button>
              {saved && <Text c="teal">Saved.</Text>}
            </Group>
          )}
        </Stack>
      </Card>
    </>
  );
}
