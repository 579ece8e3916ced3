import { Button, Code, Group, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, withQuery } from '../api';
import type { AuditEvent, Page } from '../types';
import { useLoad } from '../use-load';
import { Loading, PageTitle, Problem, When } from '../ui';

export function AuditPage() {
  const [action, setAction] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [filter, setFilter] = useState({ action: '', subjectId: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const events = useLoad(
    () => api<Page<AuditEvent>>('GET', withQuery('/api/v1/audit-events', { limit: 100, cursor, ...filter })),
    [cursor, filter],
  );

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <Problem error={events.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          setFilter({ action: action.trim(), subjectId: subjectId.trim() });
        }}
      >
        <Group align="end" mb="md">
          <TextInput
            label="Action"
            placeholder="cem_node.created"
            value={action}
            onChange={(e) => setAction(e.currentTarget.value)}
          />
          <TextInput label="Subject id" value={subjectId} onChange={(e) => setSubjectId(e.currentTarget.value)} />
          <Button type="submit" variant="light">
            Filter
          </Button>
        </Group>
      </form>
      <Loading loading={events.loading} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Data</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.data?.items.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>
                <When at={event.createdAt} />
              </Table.Td>
              <Table.Td>
                {event.actorType} {typeof event.data.email === 'string' ? event.data.email : (event.actorId ?? '')}
              </Table.Td>
              <Table.Td>{event.action}</Table.Td>
              <Table.Td>
                {event.subjectType} <Code>{event.subjectId}</Code>
              </Table.Td>
              <Table.Td>
                <Code>{JSON.stringify(event.data)}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group mt="sm">
        <Button variant="default" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </Button>
        <Button
          variant="default"
          disabled={!events.data?.nextCursor}
          onClick={() => setCursors([...cursors, events.data!.nextCursor!])}
        >
          Older
        </Button>
      </Group>
    </>
  );
}
