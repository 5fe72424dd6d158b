import { MigrationInterface, QueryRunner } from "typeorm";

export class Links1795290308838 implements MigrationInterface {
    name = 'Links1795290308838'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "links" ("tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "id" uuid NOT NULL DEFAULT gen_random_uuid(), "source_email" character varying(320) NOT NULL, "source_type" character varying(16) NOT NULL, "source_tz" character varying(64) NOT NULL, "destination_email" character varying(320) NOT NULL, "destination_type" character varying(16) NOT NULL, "destination_tz" character varying(64) NOT NULL, "policy" character varying(200) NOT NULL, "tag" character varying(200), "status" character varying(16) NOT NULL, "source_calendar_id" text, "destination_calendar_id" text, "sync_cursor" text, "last_sync_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "failure_count" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "events_created" integer NOT NULL DEFAULT '0', "events_updated" integer NOT NULL DEFAULT '0', "events_deleted" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ecf17f4a741d3c5ba0b4c5ab4b6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_links_stale" ON "links"  ("last_sync_at") WHERE "status" = 'active'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_01c850775dd1c51a85bed4fbe2" ON "links"  ("tenant_id", "source_email", "destination_email") `);
        await queryRunner.query(`CREATE TABLE "link_event_mappings" ("link_id" uuid NOT NULL, "source_event_id" text NOT NULL, "tenant_id" uuid NOT NULL, "copy_event_id" text, "content_hash" character(64) NOT NULL, "series_source_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e507796b378f96cdc6710515ae0" PRIMARY KEY ("link_id", "source_event_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_d4a08e02b10b9eed0ef12d2eae" ON "link_event_mappings"  ("tenant_id", "link_id") `);
        await queryRunner.query(`ALTER TABLE "links" ADD CONSTRAINT "FK_c37d07dc159624c158f01992fe6" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "link_event_mappings" ADD CONSTRAINT "FK_368c566a8b603574b0755e0ffd8" FOREIGN KEY ("link_id") REFERENCES "links"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "link_event_mappings" DROP CONSTRAINT "FK_368c566a8b603574b0755e0ffd8"`);
        await queryRunner.query(`ALTER TABLE "links" DROP CONSTRAINT "FK_c37d07dc159624c158f01992fe6"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d4a08e02b10b9eed0ef12d2eae"`);
        await queryRunner.query(`DROP TABLE "link_event_mappings"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_01c850775dd1c51a85bed4fbe2"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_links_stale"`);
        await queryRunner.query(`DROP TABLE "links"`);
    }

}
