// Benchmark ceiling: an Express handler that does nothing.
import express from "express";

const app = express();
app.use(express.json());
app.post("/cases/:id/events", (_req, res) => {
  res.json({});
});
app.post("/noop", (_req, res) => {
  res.json({});
});
app.listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.stdout.write(`listening on http://127.0.0.1:${process.env.PORT}\n`),
);
