import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception';
import { ErrorCode } from '../common/errors/error-codes';
import { isUniqueViolation } from '../common/errors/normalize-error';
import { LinkEntity } from '../database/entities/link.entity';
import { LinksRepository } from '../database/repositories/links.repository';
import { LinkQueuedView, LinkView } from './dto/links.dto';
import { domainOf } from '../tenancy/delegation-access.service';
import { LinkAccessResolver } from './link-access.resolver';
import { LinksMetrics } from './links-metrics';
import { AddLinkRequest, DeleteLinkRequest, LinkRequest } from './links-request';
import { validateLinkRequest, validationFailed } from './links-request.validator';
import { LinkJobQueue } from './queue/link-job.queue';
import { LINK_TASKS } from './queue/link-jobs';
import type { ProviderKind } from '../database/entities/provider-kind';

const QUEUED = 'added to queue';

/** `POST /links` and the link views: validation, authorization of domains, rows and jobs. */
@Injectable()
export class LinksService {
  constructor(
    private readonly links: LinksRepository,
    private readonly access: LinkAccessResolver,
    private readonly queue: LinkJobQueue,
    private readonly metrics: LinksMetrics,
  ) {}

  async handle(tenantId: string, body: unknown): Promise<LinkQueuedView> {
    const request: LinkRequest = validateLinkRequest(body);
    return request.action === 'add' ? this.add(tenantId, request) : this.remove(tenantId, request);
  }

  async list(tenantId: string): Promise<LinkView[]> {
    return (await this.links.list(tenantId)).map(toLinkView);
  }

  async get(tenantId: string, id: string): Promise<LinkView> {
    return toLinkView(await this.require(tenantId, id));
  }

  /** Forgets the cursor and queues a sync: the next run lists the source in full. */
  async resync(tenantId: string, id: string): Promise<LinkQueuedView> {
    const link = await this.require(tenantId, id);
    if (link.status === 'deleting') throw new DomainException(ErrorCode.Conflict, 'Sync is being deleted', 409);
    await this.links.requestFullScan(tenantId, id);
    await this.queue.enqueueSync({ tenantId, linkId: id });
    this.metrics.jobsQueued.inc({ task: LINK_TASKS.sync });
    return { message: QUEUED, linkId: id };
  }

  private async add(tenantId: string, request: AddLinkRequest): Promise<LinkQueuedView> {
    await this.requireAuthorized(tenantId, request);
    if (await this.links.findByPair(tenantId, request.sourceEmail, request.destinationEmail)) throw alreadyExists();
    let link: LinkEntity;
    try {
      link = await this.links.create(tenantId, {
        sourceEmail: request.sourceEmail,
        sourceType: request.sourceType,
        sourceTz: request.sourceTz,
        destinationEmail: request.destinationEmail,
        destinationType: request.destinationType,
        destinationTz: request.destinationTz,
        policy: request.policy,
        tag: request.tag,
      });
    } catch (error) {
      // Two identical requests at once: the unique index let one through.
      if (isUniqueViolation(error)) throw alreadyExists();
      throw error;
    }
    try {
      await this.queue.enqueueSync({ tenantId, linkId: link.id });
    } catch (error) {
      // No job, no link: the caller may simply try again.
      await this.links.delete(tenantId, link.id);
      throw error;
    }
    this.metrics.jobsQueued.inc({ task: LINK_TASKS.sync });
    return { message: QUEUED, linkId: link.id };
  }

  private async remove(tenantId: string, request: DeleteLinkRequest): Promise<LinkQueuedView> {
    const link = await this.links.findByPair(tenantId, request.sourceEmail, request.destinationEmail);
    if (!link || link.sourceType !== request.sourceType || link.destinationType !== request.destinationType) {
      throw new DomainException(ErrorCode.NotFound, 'Sync not found', 404);
    }
    if (link.status !== 'deleting') {
      await this.links.setStatus(tenantId, link.id, 'deleting');
      await this.queue.enqueueDelete({ tenantId, linkId: link.id });
      this.metrics.jobsQueued.inc({ task: LINK_TASKS.delete });
    }
    return { message: QUEUED, linkId: link.id };
  }

  /** Both mailboxes must be in domains the organisation authorized, for the provider named. */
  private async requireAuthorized(tenantId: string, request: AddLinkRequest): Promise<void> {
    await this.requireDomain(tenantId, 'source', request.sourceEmail, request.sourceType);
    await this.requireDomain(tenantId, 'destination', request.destinationEmail, request.destinationType);
  }

  private async requireDomain(tenantId: string, side: 'source' | 'destination', email: string, kind: ProviderKind): Promise<void> {
    const check = await this.access.checkDomain(tenantId, email, kind);
    if (check.ok) return;
    if (check.reason === 'not-authorized') {
      throw new DomainException(ErrorCode.Forbidden, `The domain ${domainOf(email)} is not authorized for this organisation`, 403);
    }
    throw validationFailed([
      { field: `${side}Type`, message: `${domainOf(email)} is authorized as a ${check.provider} domain, not ${kind}` },
    ]);
  }

  private async require(tenantId: string, id: string): Promise<LinkEntity> {
    const link = await this.links.findById(tenantId, id);
    if (!link) throw new DomainException(ErrorCode.NotFound, 'Sync not found', 404);
    return link;
  }
}

function alreadyExists(): DomainException {
  return new DomainException(ErrorCode.Conflict, 'Sync already exists', 400);
}

export function toLinkView(link: LinkEntity): LinkView {
  return {
    id: link.id,
    sourceEmail: link.sourceEmail,
    sourceType: link.sourceType,
    sourceTz: link.sourceTz,
    destinationEmail: link.destinationEmail,
    destinationType: link.destinationType,
    destinationTz: link.destinationTz,
    policy: link.policy,
    tag: link.tag,
    status: link.status,
    lastSyncAt: link.lastSyncAt?.toISOString() ?? null,
    lastError: link.lastError,
    nextAttemptAt: link.status === 'failed' ? (link.nextAttemptAt?.toISOString() ?? null) : null,
    eventsCreated: link.eventsCreated,
    eventsUpdated: link.eventsUpdated,
    eventsDeleted: link.eventsDeleted,
    createdAt: link.createdAt.toISOString(),
  };
}
