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
