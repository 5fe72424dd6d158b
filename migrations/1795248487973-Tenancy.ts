import { MigrationInterface, QueryRunner } from "typeorm";

export class Tenancy1795248487973 implements MigrationInterface {
    name = 'Tenancy1795248487973'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "tenants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "tenant_id" uuid NOT NULL, "external_id" character varying(255) NOT NULL, "email" character varying(320), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f51f3b943d561d5d24ed5b21a1" ON "users"  ("tenant_id", "external_id") `);
        await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" integer, "name" character varying(200) NOT NULL, "key_prefix" character varying(16) NOT NULL, "key_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_3ac18429c8d27858d79432e0dd" ON "api_keys"  ("tenant_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_57384430aa1959f4578046c9b8" ON "api_keys"  ("key_hash") `);
        await queryRunner.query(`CREATE TABLE "delegation_credentials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "provider" character varying(16) NOT NULL, "name" character varying(200) NOT NULL, "public_config" jsonb NOT NULL, "secret_sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_581bd8e3106e5a1ef115ef58bc5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_3de3ef2275ab673ff3f0c1e209" ON "delegation_credentials"  ("tenant_id") `);
        await queryRunner.query(`CREATE TABLE "domains" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "domain" character varying(253) NOT NULL, "provider" character varying(16) NOT NULL, "delegation_credential_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_05a6b087662191c2ea7f7ddfc4d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_5346af016e911f3008ce7aa9a2" ON "domains"  ("domain") `);
        await queryRunner.query(`CREATE INDEX "IDX_0c7ffd1abf825ccaf4a2950695" ON "domains"  ("tenant_id") `);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "FK_109638590074998bb72a2f2cf08" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "FK_3ac18429c8d27858d79432e0dda" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "delegation_credentials" ADD CONSTRAINT "FK_3de3ef2275ab673ff3f0c1e209b" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "domains" ADD CONSTRAINT "FK_0c7ffd1abf825ccaf4a29506959" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "domains" ADD CONSTRAINT "FK_82a5556edf2b1813c99eff6475c" FOREIGN KEY ("delegation_credential_id") REFERENCES "delegation_credentials"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "domains" DROP CONSTRAINT "FK_82a5556edf2b1813c99eff6475c"`);
        await queryRunner.query(`ALTER TABLE "domains" DROP CONSTRAINT "FK_0c7ffd1abf825ccaf4a29506959"`);
        await queryRunner.query(`ALTER TABLE "delegation_credentials" DROP CONSTRAINT "FK_3de3ef2275ab673ff3f0c1e209b"`);
        await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973"`);
        await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_3ac18429c8d27858d79432e0dda"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_109638590074998bb72a2f2cf08"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_0c7ffd1abf825ccaf4a2950695"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_5346af016e911f3008ce7aa9a2"`);
        await queryRunner.query(`DROP TABLE "domains"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_3de3ef2275ab673ff3f0c1e209"`);
        await queryRunner.query(`DROP TABLE "delegation_credentials"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_57384430aa1959f4578046c9b8"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_3ac18429c8d27858d79432e0dd"`);
        await queryRunner.query(`DROP TABLE "api_keys"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_f51f3b943d561d5d24ed5b21a1"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP TABLE "tenants"`);
    }

}
