import { MigrationInterface, QueryRunner } from "typeorm";

export class CrmEventOccurrences1795307772944 implements MigrationInterface {
    name = 'CrmEventOccurrences1795307772944'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "crm_events" ADD "series_id" uuid`);
        await queryRunner.query(`ALTER TABLE "crm_events" ADD "original_start" character varying(64)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "crm_events_occurrence" ON "crm_events"  ("series_id", "original_start") WHERE series_id IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "crm_events" ADD CONSTRAINT "FK_7619c8042f6383ebd24c8c1745c" FOREIGN KEY ("series_id") REFERENCES "crm_events"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "crm_events" DROP CONSTRAINT "FK_7619c8042f6383ebd24c8c1745c"`);
        await queryRunner.query(`DROP INDEX "public"."crm_events_occurrence"`);
        await queryRunner.query(`ALTER TABLE "crm_events" DROP COLUMN "original_start"`);
        await queryRunner.query(`ALTER TABLE "crm_events" DROP COLUMN "series_id"`);
    }

}
