-- A charger is connected while the connection recorded at last_connected_at has no disconnected_at. Connections
-- made before this column existed never recorded their close, so they count as closed: a charger connected now
-- connects again after the upgrade's restart, which clears it.
ALTER TABLE "chargers" ADD COLUMN "disconnected_at" timestamp (3) with time zone;
--> statement-breakpoint
UPDATE "chargers" SET "disconnected_at" = "last_connected_at" WHERE "last_connected_at" IS NOT NULL;
