-- The send clock in microseconds: slots 1000/300 ms apart were rounded up to whole milliseconds
-- (4 ms: 250 a second where 300 were asked). Same instant, a thousand times the number.
ALTER TABLE "RateClock" RENAME COLUMN "nextAtMs" TO "nextAtUs";
UPDATE "RateClock" SET "nextAtUs" = "nextAtUs" * 1000;
