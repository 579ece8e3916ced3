import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, ApiError, messageOf } from '../api';
import { PowerPlot } from '../power-plot';
import { href, navigate } from '../router';
import type { InspectedMessage, Rm } from '../types';
import { useLoad } from '../use-load';
import { Json, Loading, PageTitle, Problem, When } from '../ui';

export function RmPage({ rmNodeId, canChange }: { rmNodeId: string; canChange: boolean }) {
  const id = encodeURIComponent(rmNodeId);
  const rm = useLoad(() => api<Rm>('GET', `/api/v1/rms/${id}`), [id]);
  const history = useLoad(
    () =>
      api<{ items: InspectedMessage[] }>('GET', `/api/v1/rms/${id}/messages?limit=500`).catch((failure: unknown) => {
        // History is off for the tenant (or not served): the plot says so instead of failing the page.
        if (failure instanceof ApiError && (failure.status === 404 || failure.status === 409)) return { items: [] };
        throw failure;
      }),
    [id],
  );
  const [error, setError] = useState<string>();

  const unpair = async () => {
    if (!window.confirm('Unpair this RM? The broker tells it, and its session ends.')) return;
    try {
      await api('DELETE', `/api/v1/pairings/${id}`);
      navigate(`/nodes/${rm.data?.pairing.cemNodeId ?? ''}`);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const data = rm.data;
  return (
    <>
      <PageTitle
        actions={
          <Group>
            <Button component="a" href={href(`/rms/${id}/inspector`)} variant="light">
              Open the inspector
            </Button>
            {canChange && data && (
              <Button color="red" variant="light" onClick={() => void unpair()}>
                Unpair
              </Button>
            )}
          </Group>
        }
      >
        RM {rmNodeId}
      </PageTitle>
      <Problem error={rm.error ?? error} />
      <Loading loading={rm.loading} />
      {data && (
        <Stack>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder>
              <Title order={5} mb="xs">
                Pairing
              </Title>
              <Table>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th>CEM node</Table.Th>
                    <Table.Td>
                      <Anchor href={href(`/nodes/${data.pairing.cemNodeId}`)}>{data.pairing.cemNodeId}</Anchor>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Paired</Table.Th>
                    <Table.Td>
                      <When at={data.pairing.pairedAt} />
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Session</Table.Th>
                    <Table.Td>
                      {data.session ? (
                        <Group gap="xs">
                          <Badge color="teal">connected</Badge>
                          <Text size="sm">
                            S2 {data.session.s2Version}, {data.session.controlType}, on {data.session.gateway} since{' '}
                            <When at={data.session.connectedAt} />
                          </Text>
                        </Group>
                      ) : (
                        <Badge color="gray">offline</Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Card>
            <Card withBorder>
              <Title order={5} mb="xs">
                Descriptions
              </Title>
              <Json
                value={{ node: data.pairing.rmNodeDescription, endpoint: data.pairing.rmEndpointDescription }}
                maxHeight={220}
              />
            </Card>
          </SimpleGrid>
          <Card withBorder>
            <Title order={5} mb="xs">
              Measured power and instructions
            </Title>
            <Problem error={history.error} />
            {history.data && <PowerPlot messages={history.data.items} />}
          </Card>
          <Card withBorder>
            <Title order={5} mb="xs">
              Snapshot (the RM's latest messages)
            </Title>
            <Json value={data.snapshot} />
          </Card>
        </Stack>
      )}
    </>
  );
}
