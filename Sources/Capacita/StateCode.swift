/// The two-letter codes of Mexico's 32 federal entities as RENAPO writes them in the CURP
/// (positions 12-13), plus NE for people born abroad. One list serves CURPs and agencies.
public enum StateCode {
    public static let names: [String: String] = [
        "AS": "Aguascalientes", "BC": "Baja California", "BS": "Baja California Sur",
        "CC": "Campeche", "CL": "Coahuila", "CM": "Colima", "CS": "Chiapas", "CH": "Chihuahua",
        "DF": "Ciudad de México", "DG": "Durango", "GT": "Guanajuato", "GR": "Guerrero",
        "HG": "Hidalgo", "JC": "Jalisco", "MC": "Estado de México", "MN": "Michoacán",
        "MS": "Morelos", "NT": "Nayarit", "NL": "Nuevo León", "OC": "Oaxaca", "PL": "Puebla",
        "QT": "Querétaro", "QR": "Quintana Roo", "SP": "San Luis Potosí", "SL": "Sinaloa",
        "SR": "Sonora", "TC": "Tabasco", "TS": "Tamaulipas", "TL": "Tlaxcala", "VZ": "Veracruz",
        "YN": "Yucatán", "ZS": "Zacatecas",
    ]

    /// Born abroad (nacido en el extranjero): valid in a CURP, not an agency's state.
    public static let bornAbroad = "NE"

    public static func isState(_ code: String) -> Bool { names[code] != nil }
}
