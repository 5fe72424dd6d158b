import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../common/observability/metrics.service';
import { LinkJobQueue } from './queue/link-job.queue';

/** The Links job metrics, on the process registry served at /metrics. */
@Injectable()
export class LinksMetrics {
  readonly jobsQueued: Counter<'task'>;
  readonly jobsRunning: Gauge<'task'>;
  readonly jobsFinished: Counter<'task' | 'outcome'>;
  readonly eventsWritten: Counter<'operation'>;
  readonly providerCalls: Counter<'provider' | 'operation'>;
  readonly providerErrors: Counter<'provider' | 'kind'>;

  constructor(metrics: MetricsService, queue: LinkJobQueue) {
    const registers = [metrics.registry];
    this.jobsQueued = new Counter({ name: 'links_jobs_queued_total', help: 'Links jobs queued, by task', labelNames: ['task'], registers });
    this.jobsRunning = new Gauge({ name: 'links_jobs_running', help: 'Links jobs running in this process', labelNames: ['task'], registers });
    this.jobsFinished = new Counter({
      name: 'links_jobs_finished_total',
      help: 'Links jobs finished, by task and outcome (succeeded, failed: link marked failed, retry: back to the queue)',
      labelNames: ['task', 'outcome'],
      registers,
    });
    this.eventsWritten = new Counter({
      name: 'links_events_written_total',
      help: 'Event copies created, updated and deleted by link syncs',
      labelNames: ['operation'],
      registers,
    });
    this.providerCalls = new Counter({
      name: 'links_provider_calls_total',
      help: 'Provider operations started by link jobs (mailbox resolution, sync, copy removal)',
      labelNames: ['provider', 'operation'],
      registers,
    });
    this.providerErrors = new Counter({ name: 'links_provider_errors_total', help: 'Provider errors met by link jobs, by kind', labelNames: ['provider', 'kind'], registers });
    new Gauge({
      name: 'links_queue_depth',
      help: 'Links jobs waiting in the queue (all replicas)',
      registers,
      async collect() {
        this.set(await queue.depth().catch(() => -1));
      },
    });
  }
}
