import { MigrationInterface, QueryRunner } from "typeorm";

export class Connections1795298970781 implements MigrationInterface {
    name = 'Connections1795298970781'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "connections" ("tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "id" SERIAL NOT NULL, "user_id" integer NOT NULL, "provider" character varying(16) NOT NULL, "account_email" character varying(320) NOT NULL, "public_config" jsonb NOT NULL DEFAULT '{}', "secret_sealed" text NOT NULL, "calendar_id" text NOT NULL, "sync_cursor" text, "last_sync_at" TIMESTAMP WITH TIME ZONE, "last_sync_status" character varying(16) NOT NULL DEFAULT 'PENDING', "last_sync_error" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a1f844af3122354cbd487a8d03" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_6a8e6646422bd458d930733e77" ON "connections"  ("tenant_id", "user_id", "provider") `);
        await queryRunner.query(`CREATE TABLE "oauth_states" ("tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "state_hash" character(64) NOT NULL, "user_id" integer NOT NULL, "provider" character varying(16) NOT NULL, "code_verifier_sealed" text NOT NULL, "redirect_uri" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5defe4681c33ccfc0f935f51398" PRIMARY KEY ("state_hash"))`);
        await queryRunner.query(`CREATE INDEX "IDX_570fe1df341197ba96a80b1bbc" ON "oauth_states"  ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "destination_calendars" ("tenant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "id" SERIAL NOT NULL, "user_id" integer NOT NULL, "integration" character varying(32) NOT NULL, "external_id" text NOT NULL, "connection_id" integer, "delegation_credential_id" uuid, "mailbox" character varying(320), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fcb221140a2f4127ea9b44001bb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a17cf9d54243e800a5393d7523" ON "destination_calendars"  ("tenant_id", "user_id") `);
        await queryRunner.query(`ALTER TABLE "connections" ADD CONSTRAINT "FK_2e37e3b97bf0ae3c7575a39fd4a" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "connections" ADD CONSTRAINT "FK_86337b5c9ed96b6fb381a40ae61" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "oauth_states" ADD CONSTRAINT "FK_09942c2887346179e6ef028197e" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" ADD CONSTRAINT "FK_3ad16fca07a9eb3bbc05b8c5724" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" ADD CONSTRAINT "FK_7948f8770b79128039f746cd71f" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" ADD CONSTRAINT "FK_a5df70b218cb922337c2404b833" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" ADD CONSTRAINT "FK_e5b56ba7fafc364f437ef99426d" FOREIGN KEY ("delegation_credential_id") REFERENCES "delegation_credentials"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "destination_calendars" DROP CONSTRAINT "FK_e5b56ba7fafc364f437ef99426d"`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" DROP CONSTRAINT "FK_a5df70b218cb922337c2404b833"`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" DROP CONSTRAINT "FK_7948f8770b79128039f746cd71f"`);
        await queryRunner.query(`ALTER TABLE "destination_calendars" DROP CONSTRAINT "FK_3ad16fca07a9eb3bbc05b8c5724"`);
        await queryRunner.query(`ALTER TABLE "oauth_states" DROP CONSTRAINT "FK_09942c2887346179e6ef028197e"`);
        await queryRunner.query(`ALTER TABLE "connections" DROP CONSTRAINT "FK_86337b5c9ed96b6fb381a40ae61"`);
        await queryRunner.query(`ALTER TABLE "connections" DROP CONSTRAINT "FK_2e37e3b97bf0ae3c7575a39fd4a"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a17cf9d54243e800a5393d7523"`);
        await queryRunner.query(`DROP TABLE "destination_calendars"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_570fe1df341197ba96a80b1bbc"`);
        await queryRunner.query(`DROP TABLE "oauth_states"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6a8e6646422bd458d930733e77"`);
        await queryRunner.query(`DROP TABLE "connections"`);
    }

}
