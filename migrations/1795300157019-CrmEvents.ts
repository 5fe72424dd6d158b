import { MigrationInterface, QueryRunner } from "typeorm";

export class CrmEvents1795300157019 implements MigrationInterface {
    name = 'CrmEvents1795300157019'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "crm_events" ("tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" integer NOT NULL, "title" character varying(1024) NOT NULL, "description" text, "location" character varying(1024), "start" character varying(64) NOT NULL, "end" character varying(64) NOT NULL, "start_at" TIMESTAMP WITH TIME ZONE NOT NULL, "end_at" TIMESTAMP WITH TIME ZONE NOT NULL, "time_zone" character varying(64) NOT NULL, "all_day" boolean NOT NULL DEFAULT false, "recurrence" jsonb NOT NULL DEFAULT '[]', "origin" character varying(16) NOT NULL, "connection_id" integer, "delegation_credential_id" uuid, "mailbox" character varying(320), "calendar_id" text, "provider_event_id" text, "synced_hash" character varying(64), "provider_hash" character varying(64), "provider_etag" text, "provider_updated_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_dbf3739b757e4207af7919461c1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "crm_events_binding" ON "crm_events"  ("tenant_id", "user_id", "connection_id", "provider_event_id") `);
        await queryRunner.query(`CREATE INDEX "crm_events_user_range" ON "crm_events"  ("tenant_id", "user_id", "start_at") `);
        await queryRunner.query(`CREATE INDEX "connections_last_sync_at" ON "connections"  ("last_sync_at") `);
        await queryRunner.query(`ALTER TABLE "crm_events" ADD CONSTRAINT "FK_8fe4dffef4a0c6a41344ed03f91" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "crm_events" ADD CONSTRAINT "FK_dd40ab84a8dbccd7d7e6090fcc7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "crm_events" DROP CONSTRAINT "FK_dd40ab84a8dbccd7d7e6090fcc7"`);
        await queryRunner.query(`ALTER TABLE "crm_events" DROP CONSTRAINT "FK_8fe4dffef4a0c6a41344ed03f91"`);
        await queryRunner.query(`DROP INDEX "public"."connections_last_sync_at"`);
        await queryRunner.query(`DROP INDEX "public"."crm_events_user_range"`);
        await queryRunner.query(`DROP INDEX "public"."crm_events_binding"`);
        await queryRunner.query(`DROP TABLE "crm_events"`);
    }

}
