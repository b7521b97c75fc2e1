// dynalite (an in-memory DynamoDB emulator that keeps connections alive) with a tally
// of every request, so each consumer's DynamoDB requests and capacity are counted the
// same way, outside the process being measured.
//
//   node bench/dynalite_counting.js PORT
//   GET /__counts   the tally since the last reset, as JSON
//   POST /__reset   zero it
//
// Every data request is asked for ReturnConsumedCapacity=TOTAL on its way in (dynalite
// does not check signatures), so capacity is what dynalite computes from item sizes. A
// failed conditional write gets no capacity in its error response, but DynamoDB bills
// it all the same: it is counted as the write units of the item it tried to write.
'use strict'
const path = require('path')
const { PassThrough } = require('stream')
const dynalite = require(path.join(__dirname, '..', '.venv', 'dynalite', 'node_modules', 'dynalite'))

const port = Number(process.argv[2] || 4567)
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
const inner = server.listeners('request')[0]
server.removeAllListeners('request')

const CAPACITY_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem', 'BatchGetItem',
  'BatchWriteItem', 'Query', 'Scan'])
let tally = {}

// DynamoDB's item size: attribute names plus values (numbers about a byte per two digits).
function valueSize(v) {
  if (v.S !== undefined) return Buffer.byteLength(v.S)
  if (v.N !== undefined) return Math.ceil(v.N.length / 2) + 1
  if (v.B !== undefined) return Buffer.from(v.B, 'base64').length
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1
  if (v.M) return 3 + itemSize(v.M)
  if (v.L) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0)
  return JSON.stringify(v).length
}
function itemSize(item) {
  return Object.entries(item || {}).reduce((s, [k, v]) => s + Buffer.byteLength(k) + valueSize(v), 0)
}

function count(op, data, status, body) {
  const t = tally[op] || (tally[op] = { requests: 0, failed_conditions: 0, errors: 0, read_units: 0, write_units: 0, items: 0 })
  t.requests++
  let parsed = {}
  try { parsed = JSON.parse(body) } catch (e) { /* not JSON */ }
  if (status !== 200) {
    if (String(parsed.__type || '').endsWith('ConditionalCheckFailedException')) {
      t.failed_conditions++
      t.write_units += Math.max(1, Math.ceil(itemSize(data.Item) / 1024))
    } else {
      t.errors++
    }
    return
  }
  if (op === 'BatchGetItem') {
    for (const r of Object.values(data.RequestItems || {})) t.items += (r.Keys || []).length
  }
  const consumed = [].concat(parsed.ConsumedCapacity || [])
  for (const c of consumed) {
    const units = c.CapacityUnits || 0
    if (['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(op)) t.write_units += units
    else t.read_units += units
  }
}

server.on('request', (req, res) => {
  if (req.url.startsWith('/__counts')) {
    res.setHeader('Content-Type', 'application/json')
    return res.end(JSON.stringify(tally))
  }
  if (req.url.startsWith('/__reset')) {
    tally = {}
    req.resume()
    return res.end('{}')
  }
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    let body = Buffer.concat(chunks)
    const op = String(req.headers['x-amz-target'] || '').split('.')[1] || req.method
    let data = {}
    if (body.length && CAPACITY_OPS.has(op)) {
      try {
        data = JSON.parse(body.toString())
        data.ReturnConsumedCapacity = 'TOTAL'
        body = Buffer.from(JSON.stringify(data))
      } catch (e) { /* dynalite answers it */ }
    }
    const fake = new PassThrough()
    fake.headers = Object.assign({}, req.headers, { 'content-length': String(body.length) })
    fake.method = req.method
    fake.url = req.url
    const end = res.end.bind(res)
    res.end = (out, ...rest) => {
      if (op !== 'GET') count(op, data, res.statusCode, out ? out.toString() : '')
      return end(out, ...rest)
    }
    inner(fake, res)
    fake.end(body)
  })
})

server.keepAliveTimeout = 60000
server.listen(port, '127.0.0.1', () => console.error(`dynalite (counting) on 127.0.0.1:${port}`))
