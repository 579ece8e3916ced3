import { Anchor, Button, FileButton, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { allPages, api, messageOf } from '../api';
import { download, toCsv } from '../csv';
import { importNodes, NODE_COLUMNS, type RowReport } from '../node-import';
import { href, navigate } from '../router';
import type { CemNode } from '../types';
import { useLoad } from '../use-load';
import { Loading, PageTitle, Problem, When } from '../ui';

export function NodesPage({ canChange }: { canChange: boolean }) {
  const nodes = useLoad(() => allPages<CemNode>('/api/v1/cem-nodes'), []);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [report, setReport] = useState<RowReport[]>();
  const [error, setError] = useState<string>();

  const shown = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    return (nodes.data ?? []).filter((node) => {
      const text = [
        node.nodeIdAlias,
        node.brand,
        node.type,
        node.modelName,
        node.userDefinedName,
        node.externalRef,
        node.id,
      ]
        .join(' ')
        .toLowerCase();
      return words.every((word) => text.includes(word));
    });
  }, [nodes.data, search]);

  const importFile = async (file: File | null) => {
    if (!file) return;
    setError(undefined);
    try {
      setReport(await importNodes(await file.text()));
      nodes.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const exportCsv = () =>
    download(
      'cem-nodes.csv',
      toCsv([
        ['id', 'nodeIdAlias', ...NODE_COLUMNS, 'createdAt'],
        ...shown.map((n) => [
          n.id,
          n.nodeIdAlias,
          n.brand,
          n.type,
          n.modelName,
          n.userDefinedName,
          n.logoUrl,
          n.externalRef,
          n.createdAt,
        ]),
      ]),
    );

  return (
    <>
      <PageTitle
        actions={
          <Group>
            {canChange && <Button onClick={() => setCreating(true)}>New CEM node</Button>}
            {canChange && (
              <FileButton onChange={(file) => void importFile(file)} accept=".csv,text/csv">
                {(props) => (
                  <Button variant="light" {...props}>
                    Import CSV
                  </Button>
                )}
              </FileButton>
            )}
            <Button variant="default" onClick={exportCsv} disabled={shown.length === 0}>
              Export CSV
            </Button>
          </Group>
        }
      >
        CEM nodes
      </PageTitle>
      <Problem error={nodes.error ?? error} />
      {report && <ImportReport rows={report} onClose={() => setReport(undefined)} />}
      <TextInput
        placeholder="Search by alias, brand, model, name or external reference"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        mb="sm"
        aria-label="Search CEM nodes"
      />
      <Loading loading={nodes.loading} />
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Alias</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Brand / model</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>External ref</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((node) => (
            <Table.Tr key={node.id}>
              <Table.Td>
                <Anchor href={href(`/nodes/${node.id}`)} ff="monospace">
                  {node.nodeIdAlias}
                </Anchor>
              </Table.Td>
              <Table.Td>{node.userDefinedName}</Table.Td>
              <Table.Td>
                {node.brand} {node.modelName}
              </Table.Td>
              <Table.Td>{node.type}</Table.Td>
              <Table.Td>{node.externalRef}</Table.Td>
              <Table.Td>
                <When at={node.createdAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!nodes.loading && shown.length === 0 && <Text c="dimmed">No CEM node{search ? ' matches' : ' yet'}.</Text>}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New CEM node">
        <CreateNodeForm onCreated={(node) => navigate(`/nodes/${node.id}`)} />
      </Modal>
    </>
  );
}

function ImportReport({ rows, onClose }: { rows: RowReport[]; onClose: () => void }) {
  const created = rows.filter((row) => row.outcome === 'created').length;
  return (
    <Stack mb="md" gap="xs" data-testid="import-report">
      <Group justify="space-between">
        <Text fw={600}>
          Import: {created} of {rows.length} rows created
        </Text>
        <Button size="xs" variant="subtle" onClick={onClose}>
          Close
        </Button>
      </Group>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Line</Table.Th>
            <Table.Th>External ref</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.line}>
              <Table.Td>{row.line}</Table.Td>
              <Table.Td>{row.externalRef}</Table.Td>
              <Table.Td c={row.outcome === 'created' ? 'teal' : 'red'}>{row.outcome}</Table.Td>
              <Table.Td>{row.detail}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function CreateNodeForm({ onCreated }: { onCreated: (node: CemNode) => void }) {
  const [fields, setFields] = useState({ brand: '', type: '', modelName: '', userDefinedName: '', externalRef: '' });
  const [error, setError] = useState<string>();
  const set = (name: keyof typeof fields) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [name]: event.currentTarget.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));
    try {
      onCreated(await api<CemNode>('POST', '/api/v1/cem-nodes', body));
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)}>
      <Stack>
        <Problem error={error} />
        <TextInput label="Brand" required value={fields.brand} onChange={set('brand')} />
        <TextInput label="Type" required value={fields.type} onChange={set('type')} placeholder="EMS" />
        <TextInput label="Model name" required value={fields.modelName} onChange={set('modelName')} />
        <TextInput label="Name shown to the user" value={fields.userDefinedName} onChange={set('userDefinedName')} />
        <TextInput label="External reference" value={fields.externalRef} onChange={set('externalRef')} />
        <Button type="submit">Create</Button>
      </Stack>
    </form>
  );
}
