import { Anchor, Badge, Group, Select, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { allPages, api } from '../api';
import { href } from '../router';
import type { CemNode, Pairing, Session } from '../types';
import { useLoad } from '../use-load';
import { Loading, PageTitle, Problem, When } from '../ui';
import { rmName } from './NodePage';

const ANY = 'any';

export function PairingsPage() {
  const nodes = useLoad(() => allPages<CemNode>('/api/v1/cem-nodes'), []);
  const [node, setNode] = useState<string>(ANY);
  const [connected, setConnected] = useState<string>(ANY);
  const [version, setVersion] = useState<string>(ANY);
  const [controlType, setControlType] = useState<string>(ANY);
  const cemNodeId = node === ANY ? undefined : node;
  const pairings = useLoad(() => allPages<Pairing>('/api/v1/pairings', { cemNodeId }), [cemNodeId]);
  const sessions = useLoad(
    () => api<{ items: Session[] }>('GET', cemNodeId ? `/api/v1/sessions?cemNodeId=${cemNodeId}` : '/api/v1/sessions'),
    [cemNodeId],
  );

  const sessionOf = useMemo(() => new Map((sessions.data?.items ?? []).map((s) => [s.rmNodeId, s])), [sessions.data]);
  const versions = unique((sessions.data?.items ?? []).map((s) => s.s2Version));
  const controlTypes = unique((sessions.data?.items ?? []).map((s) => s.controlType));
  const aliasOf = new Map((nodes.data ?? []).map((n) => [n.id, n.userDefinedName ?? n.nodeIdAlias]));

  const shown = (pairings.data ?? []).filter((pairing) => {
    const session = sessionOf.get(pairing.rmNodeId);
    if (connected !== ANY && pairing.connected !== (connected === 'yes')) return false;
    if (version !== ANY && session?.s2Version !== version) return false;
    if (controlType !== ANY && session?.controlType !== controlType) return false;
    return true;
  });

  return (
    <>
      <PageTitle>Pairings and live sessions</PageTitle>
      <Problem error={pairings.error ?? sessions.error ?? nodes.error} />
      <Group mb="md">
        <Select
          label="CEM node"
          value={node}
          onChange={(v) => setNode(v ?? ANY)}
          searchable
          data={[
            { value: ANY, label: 'All nodes' },
            ...(nodes.data ?? []).map((n) => ({ value: n.id, label: aliasOf.get(n.id) ?? n.id })),
          ]}
        />
        <Select
          label="Connected"
          value={connected}
          onChange={(v) => setConnected(v ?? ANY)}
          data={[
            { value: ANY, label: 'Any' },
            { value: 'yes', label: 'Connected' },
            { value: 'no', label: 'Not connected' },
          ]}
        />
        <Select
          label="S2 version"
          value={version}
          onChange={(v) => setVersion(v ?? ANY)}
          data={[{ value: ANY, label: 'Any' }, ...versions]}
        />
        <Select
          label="Control type"
          value={controlType}
          onChange={(v) => setControlType(v ?? ANY)}
          data={[{ value: ANY, label: 'Any' }, ...controlTypes]}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="xs" data-testid="pairings-count">
        {shown.length} pairings shown; {sessions.data?.items.length ?? 0} live sessions
      </Text>
      <Loading loading={pairings.loading} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>RM</Table.Th>
            <Table.Th>CEM node</Table.Th>
            <Table.Th>Session</Table.Th>
            <Table.Th>S2 version</Table.Th>
            <Table.Th>Control type</Table.Th>
            <Table.Th>Replica</Table.Th>
            <Table.Th>Paired</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((pairing) => {
            const session = sessionOf.get(pairing.rmNodeId);
            return (
              <Table.Tr key={pairing.rmNodeId}>
                <Table.Td>
                  <Anchor href={href(`/rms/${encodeURIComponent(pairing.rmNodeId)}`)}>{rmName(pairing)}</Anchor>
                </Table.Td>
                <Table.Td>
                  <Anchor href={href(`/nodes/${pairing.cemNodeId}`)}>
                    {aliasOf.get(pairing.cemNodeId) ?? pairing.cemNodeId}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge color={pairing.connected ? 'teal' : 'gray'}>
                    {pairing.connected ? 'connected' : 'offline'}
                  </Badge>
                </Table.Td>
                <Table.Td>{session?.s2Version}</Table.Td>
                <Table.Td>{session?.controlType}</Table.Td>
                <Table.Td>{session?.gateway}</Table.Td>
                <Table.Td>
                  <When at={pairing.pairedAt} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {!pairings.loading && shown.length === 0 && <Text c="dimmed">No pairing matches.</Text>}
    </>
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
