import { Controller, Get, Header, HttpCode, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainException } from '../errors/domain.exception';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsService } from './metrics.service';

@ApiTags('Operations')
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up', migrations: 'applied' } } })
  @ApiServiceUnavailableResponse()
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
  @UseGuards(MetricsAccessGuard)
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics' })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
