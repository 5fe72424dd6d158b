import { Client } from 'pg';

/** Rows of one query on a short-lived connection: tests read what the app wrote. */
export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface JobRow {
  task_identifier: string;
  queue_name: string | null;
  key: string | null;
  payload: Record<string, unknown>;
}

/** Jobs waiting or running in graphile-worker, oldest first (its public `jobs` view leaves out the payload). */
export function jobs(databaseUrl: string): Promise<JobRow[]> {
  return sql<JobRow>(
    databaseUrl,
    `SELECT t.identifier AS task_identifier, q.queue_name, j.key, j.payload
       FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      ORDER BY j.id`,
  );
}
