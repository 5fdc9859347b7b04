/// A judge state as the control loop stored it (1,000-migration benchmark, a three-step policy with TTFT and
/// tokens, one held tick with evidence): the fixture `StoreJSONEncoderTests` encodes both ways.
let judgeStateSample = #"""
{
 "judge": {
  "lastCandidateAt": 1796270803279,
  "lastDataAt": 1796270803279,
  "lastSnapshot": {
   "baseline": {
    "clientErrors": 0,
    "errors": 18,
    "latency": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 18, 0, 36, 36, 18, 18, 72, 36, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "latencySum": 63,
    "requests": 270,
    "tokens": 29700,
    "ttft": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 36, 72, 72, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ttftSum": 8.100000000000001
   },
   "candidate": {
    "clientErrors": 0,
    "errors": 0,
    "latency": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 18, 0, 0, 0, 18, 18, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "latencySum": 16.74,
    "requests": 90,
    "tokens": 9720,
    "ttft": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 18, 36, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ttftSum": 2.5199999999999996
   }
  },
  "lastTickAt": 1796270803279,
  "lastVerdict": {
   "action": "hold",
   "evidence": [
    {
     "guardName": "errors",
     "test": "candidate_rate",
     "value": 0
    },
    {
     "guardName": "errors",
     "test": "baseline_rate",
     "value": 0.06666666666666667
    },
    {
     "guardName": "errors",
     "test": "rollback_evalue",
     "value": 0.027743024468053233
    },
    {
     "guardName": "errors",
     "test": "safety_evalue",
     "value": 139.91866762238323
    },
    {
     "guardName": "latency_p50",
     "test": "threshold_seconds",
     "value": 0.27
    },
    {
     "guardName": "latency_p50",
     "test": "candidate_share_above",
     "value": 0.2
    },
    {
     "guardName": "latency_p50",
     "test": "baseline_share_above",
     "value": 0.4666666666666667
    },
    {
     "guardName": "latency_p50",
     "test": "rollback_evalue",
     "value": 0.002761114993836814
    },
    {
     "guardName": "latency_p50",
     "test": "safety_evalue",
     "value": 20133110358.915543
    },
    {
     "guardName": "latency_p90",
     "test": "threshold_seconds",
     "value": 0.39
    },
    {
     "guardName": "latency_p90",
     "test": "candidate_share_above",
     "value": 0
    },
    {
     "guardName": "latency_p90",
     "test": "baseline_share_above",
     "value": 0.06666666666666667
    },
    {
     "guardName": "latency_p90",
     "test": "rollback_evalue",
     "value": 0.12010430713544788
    },
    {
     "guardName": "latency_p90",
     "test": "safety_evalue",
     "value": 228.40601154029252
    },
    {
     "guardName": "latency_p99",
     "test": "rollback_evalue",
     "value": 1
    },
    {
     "guardName": "latency_p99",
     "test": "safety_evalue",
     "value": 1
    },
    {
     "guardName": "latency_p99.9",
     "test": "rollback_evalue",
     "value": 1
    },
    {
     "guardName": "latency_p99.9",
     "test": "safety_evalue",
     "value": 1
    },
    {
     "guardName": "combined",
     "test": "rollback_evalue",
     "value": 0.19540080148947586
    },
    {
     "guardName": "combined",
     "test": "rollback_threshold",
     "value": 120
    },
    {
     "guardName": "combined",
     "test": "safety_threshold",
     "value": 20
    },
    {
     "guardName": "exposure",
     "test": "candidate_requests",
     "value": 90
    },
    {
     "guardName": "exposure",
     "test": "baseline_requests",
     "value": 270
    }
   ],
   "reason": "waiting for 100 requests per arm at step 0 (5%): baseline has 100 of 100, candidate 90 of 100",
   "rule": "min-requests"
  },
  "memory": {
   "failedChecks": 0,
   "sequential": {
    "errors": {
     "baselineEvents": 18,
     "baselineTrials": 270,
     "candidateEvents": 0,
     "candidateTrials": 90,
     "floor": {
      "alternatives": [0.001, 0.0025, 0.005, 0.0075],
      "logL": [0.8144851967926071, 0.6792485071844613, 0.4534014626961373, 0.22698624894389452],
      "null": 0.01
     },
     "rollback": {
      "alternatives": [1.5, 2, 3, 5, 10],
      "logL": [-2.1200946418149034, -4.016583923655775, -7.29837194594696, -12.476649250079015, -21.21578993414963],
      "null": 1
     },
     "safety": {
      "alternatives": [0.5, 0.75, 1, 1.25, 1.5],
      "logL": [6.420148990897183, 5.178277304132055, 4.016583923655776, 2.9253407309599493, 1.8964892818408743],
      "null": 2
     }
    },
    "latency": [
     {
      "bucket": 29,
      "quantile": 0.5,
      "state": {
       "baselineEvents": 56,
       "baselineTrials": 120,
       "candidateEvents": 8,
       "candidateTrials": 40,
       "floor": {
        "alternatives": [0.07500000000000001, 0.1875, 0.375, 0.5625],
        "logL": [23.44596948485336, 26.62660499397355, 23.7761259754934, 15.606248634319279],
        "null": 0.75
       },
       "rollback": {
        "alternatives": [1.5, 2, 3, 5, 10],
        "logL": [-4.29439341714323, -8.736009839629858, -17.160868609577648, -31.485916256363694, -57.01323902191299],
        "null": 1
       },
       "safety": {
        "alternatives": [0.5, 0.75, 1, 1.25, 1.5],
        "logL": [11.736841523119748, 10.565018612820165, 8.736009839629862, 6.641182453891712, 4.441616422486639],
        "null": 2
       }
      }
     },
     {
      "bucket": 31,
      "quantile": 0.9,
      "state": {
       "baselineEvents": 8,
       "baselineTrials": 120,
       "candidateEvents": 0,
       "candidateTrials": 40,
       "floor": {
        "alternatives": [0.019999999999999997, 0.04999999999999999, 0.09999999999999998, 0.14999999999999997],
        "logL": [8.117633759867608, 6.874010277066361, 4.7113214262553385, 2.4249848726573937],
        "null": 0.19999999999999996
       },
       "rollback": {
        "alternatives": [1.5, 2, 3, 5, 10],
        "logL": [-0.9422642852510681, -1.7851484105136777, -3.2437208648653155, -5.545177444479562, -9.42923997073317],
        "null": 1
       },
       "safety": {
        "alternatives": [0.5, 0.75, 1, 1.25, 1.5],
        "logL": [2.853399551509859, 2.3014565796142468, 1.7851484105136781, 1.3001514359821995, 0.8428841252626108],
        "null": 2
       }
      }
     },
     {
      "quantile": 0.99,
      "state": {
       "baselineEvents": 0,
       "baselineTrials": 0,
       "candidateEvents": 0,
       "candidateTrials": 0,
       "floor": {
        "alternatives": [0.0020000000000000018, 0.0050000000000000044, 0.010000000000000009, 0.015000000000000013],
        "logL": [0, 0, 0, 0],
        "null": 0.020000000000000018
       },
       "rollback": {
        "alternatives": [1.5, 2, 3, 5, 10],
        "logL": [0, 0, 0, 0, 0],
        "null": 1
       },
       "safety": {
        "alternatives": [0.5, 0.75, 1, 1.25, 1.5],
        "logL": [0, 0, 0, 0, 0],
        "null": 2
       }
      }
     },
     {
      "quantile": 0.999,
      "state": {
       "baselineEvents": 0,
       "baselineTrials": 0,
       "candidateEvents": 0,
       "candidateTrials": 0,
       "floor": {
        "alternatives": [0.0002000000000000002, 0.0005000000000000004, 0.0010000000000000009, 0.0015000000000000013],
        "logL": [0, 0, 0, 0],
        "null": 0.0020000000000000018
       },
       "rollback": {
        "alternatives": [1.5, 2, 3, 5, 10],
        "logL": [0, 0, 0, 0, 0],
        "null": 1
       },
       "safety": {
        "alternatives": [0.5, 0.75, 1, 1.25, 1.5],
        "logL": [0, 0, 0, 0, 0],
        "null": 2
       }
      }
     }
    ],
    "limits": "statuses=0,429,500-599 errors.maxRatio=2.0 minDelta=1.0 maxRate=- quantile=0.99 latency.maxRatio=1.5 maxP99=- alpha=0.01 beta=0.05 tolerance=1.0 badRatio=2.0 latencyQuantiles=0.5,0.9,0.99,0.999",
    "previousBaseline": [],
    "ticks": 8
   }
  },
  "step": {
   "baseline": {
    "clientErrors": 0,
    "errors": 18,
    "latency": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 18, 0, 36, 36, 18, 18, 72, 36, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "latencySum": 63,
    "requests": 270,
    "tokens": 29700,
    "ttft": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 36, 72, 72, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ttftSum": 8.100000000000001
   },
   "candidate": {
    "clientErrors": 0,
    "errors": 0,
    "latency": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 18, 0, 0, 0, 18, 18, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "latencySum": 16.74,
    "requests": 90,
    "tokens": 9720,
    "ttft": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 18, 36, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ttftSum": 2.5199999999999996
   }
  }
 },
 "version": 1
}
"""#
