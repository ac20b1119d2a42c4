-- A charger is connected only while its server instance's row is alive. Connections open before this migration
-- name no instance, so nothing would ever take them offline: they are closed now, with their piles' connectors,
-- as a close would. A charger still connected connects again after the upgrade's restart.
CREATE TABLE "ocpp_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"alive_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chargers" ADD COLUMN "instance_id" text;
--> statement-breakpoint
UPDATE "connectors" SET "status" = 'offline', "status_at" = now() WHERE "status" <> 'offline' AND "pile_id" IN (SELECT "pile_id" FROM "chargers" WHERE "last_connected_at" IS NOT NULL AND "disconnected_at" IS NULL);
--> statement-breakpoint
UPDATE "chargers" SET "disconnected_at" = now() WHERE "last_connected_at" IS NOT NULL AND "disconnected_at" IS NULL;
