import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { ApiSurface, ApiSurfaceErrors } from '../http/api-surface-errors';
import { DomainException } from '../errors/domain.exception';
import { MetricsService } from './metrics.service';

@ApiTags('Operations')
@SkipThrottle()
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
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainException('NOT_READY', 'Database is not reachable', 503);
    }
    if (await this.dataSource.showMigrations()) {
      throw new DomainException('NOT_READY', 'Migrations are pending', 503);
    }
    return { status: 'ok', database: 'up', migrations: 'applied' };
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics', security: [] })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
