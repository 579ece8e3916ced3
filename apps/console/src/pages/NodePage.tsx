import {
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Image,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import QRCode from 'qrcode';
import { type ReactNode, useEffect, useState } from 'react';
import { api, messageOf, withQuery } from '../api';
import { href, navigate } from '../router';
import type { CemNode, Page, Pairing, PairingCode } from '../types';
import { useLoad } from '../use-load';
import { Loading, PageTitle, Problem, When } from '../ui';

export function NodePage({ id, canChange }: { id: string; canChange: boolean }) {
  const node = useLoad(() => api<CemNode>('GET', `/api/v1/cem-nodes/${id}`), [id]);
  const pairings = useLoad(
    () => api<Page<Pairing>>('GET', withQuery('/api/v1/pairings', { cemNodeId: id, limit: 100 })),
    [id],
  );
  const [error, setError] = useState<string>();

  const remove = async () => {
    if (!window.confirm('Delete this CEM node? Its RMs are unpaired.')) return;
    try {
      await api('DELETE', `/api/v1/cem-nodes/${id}`);
      navigate('/nodes');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const n = node.data;
  return (
    <>
      <PageTitle
        actions={
          canChange &&
          n && (
            <Button color="red" variant="light" onClick={() => void remove()}>
              Delete node
            </Button>
          )
        }
      >
        CEM node {n?.userDefinedName ?? n?.nodeIdAlias}
      </PageTitle>
      <Problem error={node.error ?? error} />
      <Loading loading={node.loading} />
      {n && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder>
            <Table>
              <Table.Tbody>
                <Row label="Alias" value={<Code>{n.nodeIdAlias}</Code>} />
                <Row label="Node id" value={<Code>{n.id}</Code>} />
                <Row label="Brand" value={n.brand} />
                <Row label="Model" value={n.modelName} />
                <Row label="Type" value={n.type} />
                <Row label="External ref" value={n.externalRef} />
                <Row label="Created" value={<When at={n.createdAt} />} />
              </Table.Tbody>
            </Table>
          </Card>
          {canChange && <IssueCode nodeId={n.id} />}
        </SimpleGrid>
      )}
      <Text fw={600} mt="lg" mb="xs">
        Paired RMs
      </Text>
      <Problem error={pairings.error} />
      <Table>
        <Table.Tbody>
          {pairings.data?.items.map((pairing) => (
            <Table.Tr key={pairing.rmNodeId}>
              <Table.Td>
                <Anchor href={href(`/rms/${encodeURIComponent(pairing.rmNodeId)}`)}>{rmName(pairing)}</Anchor>
              </Table.Td>
              <Table.Td>
                <Badge color={pairing.connected ? 'teal' : 'gray'}>{pairing.connected ? 'connected' : 'offline'}</Badge>
              </Table.Td>
              <Table.Td>
                paired <When at={pairing.pairedAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {pairings.data?.items.length === 0 && <Text c="dimmed">No RM is paired with this node.</Text>}
    </>
  );
}

export function rmName(pairing: Pairing): string {
  const description = pairing.rmNodeDescription;
  const name = [description.brand, description.modelName].filter((part) => typeof part === 'string').join(' ');
  return name === '' ? pairing.rmNodeId : `${name} (${pairing.rmNodeId})`;
}

function Row({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
}

function IssueCode({ nodeId }: { nodeId: string }) {
  const [ttl, setTtl] = useState<number | string>(600);
  const [code, setCode] = useState<PairingCode>();
  const [qr, setQr] = useState<string>();
  const [error, setError] = useState<string>();

  const issue = async () => {
    setError(undefined);
    try {
      const issued = await api<PairingCode>('POST', `/api/v1/cem-nodes/${nodeId}/pairing-codes`, {
        ttlSeconds: Number(ttl),
      });
      setCode(issued);
      // The pairing URL and the code, one a line: what an installer's phone reads off the screen.
      setQr(await QRCode.toDataURL(`${issued.pairingUrl}\n${issued.pairingCode}`, { margin: 1, width: 220 }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Pairing code</Text>
        <Problem error={error} />
        <Group align="end">
          <NumberInput label="Valid for (seconds)" min={30} max={86400} value={ttl} onChange={setTtl} w={180} />
          <Button onClick={() => void issue()}>Issue pairing code</Button>
        </Group>
        {code && (
          <Group align="start" data-testid="pairing-code">
            {qr && <Image src={qr} alt="QR code of the pairing URL and code" w={160} h={160} />}
            <Stack gap={4}>
              <Text size="sm">Pairing URL</Text>
              <Code>{code.pairingUrl}</Code>
              <Text size="sm">Code</Text>
              <Code fz="lg" data-testid="pairing-code-text">
                {code.pairingCode}
              </Code>
              <Countdown until={code.expiresAt} />
            </Stack>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((new Date(until).getTime() - now) / 1000));
  if (left === 0) return <Text c="red">Expired</Text>;
  return (
    <Text size="sm" data-testid="countdown">
      Expires in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}
    </Text>
  );
}
