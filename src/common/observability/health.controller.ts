import { Controller, Get, Header, HttpCode, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ApiSurface, ApiSurfaceErrors } from '../http/api-surface-errors';
import { DomainException } from '../errors/domain.exception';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsService } from './metrics.service';

/** A probe must answer quickly even when the database hangs: orchestrators time probes out (3 s is common). */
const READY_DEADLINE_MS = 2_000;

/** The promise's value, or 'timeout' once `ms` have passed (the work itself is bounded by the pool's own timeouts). */
async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('Operations')
// The client rate limiter exempts /health, /ready and /metrics (src/common/rate-limit).
@ApiSurface('default', [], { throttled: false })
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied', security: [] })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up', migrations: 'applied' } } })
  @ApiSurfaceErrors('default', { 503: 'The database does not answer, or migrations are pending (code NOT_READY).' })
  async ready(): Promise<{ status: string; database: string; migrations: string }> {
    const pending = await withinDeadline(this.checkDatabase(), READY_DEADLINE_MS);
    if (pending === 'unreachable') throw new DomainException('NOT_READY', 'Database is not reachable', 503);
    if (pending === 'timeout') throw new DomainException('NOT_READY', `Database did not answer within ${READY_DEADLINE_MS / 1000} s`, 503);
    if (pending) throw new DomainException('NOT_READY', 'Migrations are pending', 503);
    return { status: 'ok', database: 'up', migrations: 'applied' };
  }

  /** Whether migrations are pending, or 'unreachable' when the database refuses. */
  private async checkDatabase(): Promise<boolean | 'unreachable'> {
    try {
      await this.dataSource.query('SELECT 1');
      return await this.dataSource.showMigrations();
    } catch {
      return 'unreachable';
    }
  }

  @Get('metrics')
  @UseGuards(MetricsAccessGuard)
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Answers loopback peers without credentials; from elsewhere only with `Authorization: Bearer <METRICS_TOKEN>` when that is set.',
    security: [{}, { 'metrics-token': [] }],
  })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiSurfaceErrors('default', { 401: 'METRICS_TOKEN is set and the bearer token is missing or wrong.', 403: 'Not a loopback peer and no METRICS_TOKEN configured, or a forwarded request.' })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
