/**
 * The demo building «ул. Примерная, 1»: the data of spec example 1 (January 2024 allocation
 * with one allocator estimated), so a newcomer can open it and calculate at once.
 * Nothing added here may change the January 2024 allocation.
 */
export interface DemoAllocator {
  serial: string;
  coefficient: string;
  readings: Array<[day: string, value: string]>;
}

export interface DemoPremise {
  number: string;
  kind: 'residential' | 'non-residential';
  area: string;
  floor: number;
  entrance: number;
  accountNumber: string;
  allocators: DemoAllocator[];
}

export const DEMO_BUILDING = {
  name: "ул. Примерная, 1",
  address: "г. Москва, ул. Примерная, д. 1",
  timeZone: 'Europe/Moscow',
  heatReadings: [["2024-01-01", "2345.678"], ["2024-02-01", "2354.878"]] as Array<[day: string, value: string]>,
  norms: [["residential", "2019-07-01", "0.021"], ["residential", "2023-07-01", "0.0185"], ["residential", "2024-02-01", "0.016"], ["non-residential", "2020-01-01", "0.025"]] as Array<['residential' | 'non-residential', string, string]>,
};

export const DEMO_PREMISES: DemoPremise[] = [
  {
    "number": "Кв.1",
    "kind": "residential",
    "area": "80.0",
    "floor": 1,
    "entrance": 1,
    "accountNumber": "ЛС-0001",
    "allocators": [
      {
        "serial": "A1-1",
        "coefficient": "1.2",
        "readings": [
          [
            "2024-01-01",
            "1520"
          ],
          [
            "2024-02-01",
            "1710"
          ],
          [
            "2024-03-01",
            "1880"
          ]
        ]
      },
      {
        "serial": "A1-2",
        "coefficient": "0.85",
        "readings": [
          [
            "2024-01-01",
            "980"
          ],
          [
            "2024-02-01",
            "1105"
          ],
          [
            "2024-03-01",
            "1215"
          ]
        ]
      },
      {
        "serial": "A1-3",
        "coefficient": "1.5",
        "readings": [
          [
            "2024-01-01",
            "2210"
          ],
          [
            "2024-02-01",
            "2450"
          ],
          [
            "2024-03-01",
            "2660"
          ]
        ]
      }
    ]
  },
  {
    "number": "Кв.2",
    "kind": "residential",
    "area": "90.0",
    "floor": 1,
    "entrance": 1,
    "accountNumber": "ЛС-0002",
    "allocators": [
      {
        "serial": "A2-1",
        "coefficient": "1.2",
        "readings": [
          [
            "2024-01-01",
            "1300"
          ],
          [
            "2024-02-01",
            "1540"
          ],
          [
            "2024-03-01",
            "1750"
          ]
        ]
      },
      {
        "serial": "A2-2",
        "coefficient": "1.0",
        "readings": [
          [
            "2024-01-01",
            "850"
          ],
          [
            "2024-02-01",
            "1010"
          ],
          [
            "2024-03-01",
            "1150"
          ]
        ]
      },
      {
        "serial": "A2-3",
        "coefficient": "0.7",
        "readings": [
          [
            "2024-01-01",
            "400"
          ],
          [
            "2024-02-01",
            "480"
          ],
          [
            "2024-03-01",
            "550"
          ]
        ]
      }
    ]
  },
  {
    "number": "Кв.3",
    "kind": "residential",
    "area": "60.0",
    "floor": 1,
    "entrance": 1,
    "accountNumber": "ЛС-0003",
    "allocators": [
      {
        "serial": "A3-1",
        "coefficient": "1.1",
        "readings": [
          [
            "2024-01-01",
            "700"
          ],
          [
            "2024-02-01",
            "790"
          ],
          [
            "2024-03-01",
            "870"
          ]
        ]
      },
      {
        "serial": "A3-2",
        "coefficient": "0.9",
        "readings": [
          [
            "2024-01-01",
            "610"
          ],
          [
            "2024-02-01",
            "675"
          ],
          [
            "2024-03-01",
            "735"
          ]
        ]
      }
    ]
  },
  {
    "number": "Кв.4",
    "kind": "residential",
    "area": "70.0",
    "floor": 2,
    "entrance": 1,
    "accountNumber": "ЛС-0004",
    "allocators": [
      {
        "serial": "A4-1",
        "coefficient": "1.2",
        "readings": [
          [
            "2024-01-01",
            "1100"
          ],
          [
            "2024-02-01",
            "1260"
          ],
          [
            "2024-03-01",
            "1400"
          ]
        ]
      },
      {
        "serial": "A4-2",
        "coefficient": "0.8",
        "readings": [
          [
            "2024-01-01",
            "900"
          ],
          [
            "2024-02-01",
            "1000"
          ],
          [
            "2024-03-01",
            "1090"
          ]
        ]
      },
      {
        "serial": "A4-3",
        "coefficient": "1.4",
        "readings": [
          [
            "2024-01-01",
            "1450"
          ]
        ]
      }
    ]
  },
  {
    "number": "Кв.5",
    "kind": "residential",
    "area": "55.0",
    "floor": 2,
    "entrance": 1,
    "accountNumber": "ЛС-0005",
    "allocators": [
      {
        "serial": "A5-1",
        "coefficient": "1.0",
        "readings": [
          [
            "2024-01-01",
            "500"
          ],
          [
            "2024-02-01",
            "620"
          ],
          [
            "2024-03-01",
            "725"
          ]
        ]
      },
      {
        "serial": "A5-2",
        "coefficient": "0.9",
        "readings": [
          [
            "2024-02-01",
            "731"
          ],
          [
            "2024-03-01",
            "842"
          ]
        ]
      },
      {
        "serial": "A5-3",
        "coefficient": "1.3",
        "readings": [
          [
            "2024-01-01",
            "880"
          ]
        ]
      }
    ]
  },
  {
    "number": "Кв.6",
    "kind": "residential",
    "area": "45.0",
    "floor": 2,
    "entrance": 1,
    "accountNumber": "ЛС-0006",
    "allocators": []
  },
  {
    "number": "Маг.1",
    "kind": "non-residential",
    "area": "60.0",
    "floor": 3,
    "entrance": 1,
    "accountNumber": "ЛС-0007",
    "allocators": []
  }
];

/** A water or apartment heat meter of the demo, with its daily readings (generated, deterministic). */
export interface DemoMeter {
  premise: string;
  serial: string;
  deviceTypeId: 'core.water-meter' | 'core.heat-meter';
  waterMedium?: 'hot' | 'cold';
  installedOn: string;
  decommissionedOn?: string;
  unit: string;
  /** [day, value, other quantities] */
  readings: Array<[day: string, value: string, values?: Record<string, string>]>;
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

/** A counter from `start` growing by a deterministic 60–140 % of `perDay` a day, thousandths. */
function counter(seed: number, start: number, perDay: number, dayList: string[]): Array<[string, string]> {
  let v = Math.round(start * 1000);
  let s = seed;
  return dayList.map((d) => {
    const out: [string, string] = [d, (v / 1000).toFixed(3)];
    s = (s * 1103515245 + 12345) % 2147483648;
    v += Math.round(perDay * 1000 * (0.6 + (0.8 * s) / 2147483648));
    return out;
  });
}

const YEAR = days('2024-01-01', '2025-01-01');

/**
 * Hot and cold water meters of Кв.1–Кв.4 with daily readings for 2024 (and 2025-01-01, the
 * end of a year's report): Кв.2's cold meter replaced on 2024-06-15 (the old one read that
 * morning, the new one from then), Кв.3's hot meter silent since 2024-10-01. Кв.6 has an
 * apartment heat meter from 2024-02-01 reporting in GJ, with volume and temperatures — it
 * counts from February, so the January 2024 allocation stays example 1's.
 */
export const DEMO_METERS: DemoMeter[] = [
  ...['Кв.1', 'Кв.2', 'Кв.3', 'Кв.4'].flatMap((premise, i): DemoMeter[] => [
    {
      premise,
      serial: `В${i + 1}-ГВС`,
      deviceTypeId: 'core.water-meter',
      waterMedium: 'hot',
      installedOn: '2023-06-01',
      unit: 'm3',
      readings: counter(11 + i, 20 + 7 * i, 0.12, premise === 'Кв.3' ? YEAR.filter((d) => d < '2024-10-01') : YEAR),
    },
    premise === 'Кв.2'
      ? {
          premise,
          serial: 'В2-ХВС',
          deviceTypeId: 'core.water-meter',
          waterMedium: 'cold',
          installedOn: '2023-06-01',
          decommissionedOn: '2024-06-15',
          unit: 'm3',
          readings: counter(21 + i, 40 + 9 * i, 0.2, YEAR.filter((d) => d <= '2024-06-15')),
        }
      : {
          premise,
          serial: `В${i + 1}-ХВС`,
          deviceTypeId: 'core.water-meter',
          waterMedium: 'cold',
          installedOn: '2023-06-01',
          unit: 'm3',
          readings: counter(21 + i, 40 + 9 * i, 0.2, YEAR),
        },
  ]),
  {
    premise: 'Кв.2',
    serial: 'В2-ХВС-2',
    deviceTypeId: 'core.water-meter',
    waterMedium: 'cold',
    installedOn: '2024-06-15',
    unit: 'm3',
    readings: counter(99, 0.01, 0.2, YEAR.filter((d) => d >= '2024-06-15')),
  },
  {
    premise: 'Кв.6',
    serial: 'ТС6-1',
    deviceTypeId: 'core.heat-meter',
    installedOn: '2024-02-01',
    unit: 'GJ',
    readings: counter(61, 3.5, 0.35, YEAR.filter((d) => d >= '2024-02-01')).map(([d, v], k) => [
      d,
      v,
      { volume: (15 + k * 0.42).toFixed(3), flowTemperature: '70.5', returnTemperature: '45.2', power: '4.1', flow: '0.14' },
    ]),
  },
];

/** The building meter (ODPU) read on the first of each month of 2024, in Gcal, after example 1's two readings. */
export const DEMO_MONTHLY_HEAT: Array<[day: string, value: string]> = (() => {
  const out: Array<[string, string]> = [];
  let v = 2354.878;
  for (let m = 2; m <= 12; m++) {
    v += m < 5 || m > 9 ? 10.5 + m / 10 : 1.2;
    out.push([new Date(Date.UTC(2024, m, 1)).toISOString().slice(0, 10), v.toFixed(3)]);
  }
  return out;
})();
